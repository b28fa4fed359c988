package dev.triggerfish.schedule;

/** What one page of a slot's scan found and created, added to the slot's run summary with its checkpoint. */
record PageCounts(int scanned, int matched, int created, int skippedOverlap, long findMillis) {
}
