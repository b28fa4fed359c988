package dev.triggerfish.insight;

import java.util.List;
import java.util.StringJoiner;

/**
 * The histogram of execution durations the rollup keeps per trigger and day: counts between fixed
 * bounds, so that a p95 is read from a few numbers instead of the history. A p95 read from it is the
 * upper bound of the bucket it falls in (at most that long), or the last bound's "more than".
 */
final class DurationBuckets {
    /** Upper bounds in milliseconds; one more bucket holds everything longer. */
    static final long[] BOUNDS_MS = {100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000};

    private DurationBuckets() {
    }

    /** The SQL array of the bucket counts of the durations {@code ms} (an expression in milliseconds) of a group. */
    static String sqlCounts(String ms) {
        StringJoiner counts = new StringJoiner(", ", "array[", "]::bigint[]");
        long lower = -1;
        for (long bound : BOUNDS_MS) {
            counts.add(lower < 0 ? "count(*) filter (where " + ms + " <= " + bound + ")"
                    : "count(*) filter (where " + ms + " > " + lower + " and " + ms + " <= " + bound + ")");
            lower = bound;
        }
        counts.add("count(*) filter (where " + ms + " > " + lower + ")");
        return counts.toString();
    }

    /** The SQL array of the sums, bucket by bucket, of the histograms {@code buckets} (an array column) of a group. */
    static String sqlSums(String buckets) {
        StringJoiner sums = new StringJoiner(", ", "array[", "]::bigint[]");
        for (int i = 1; i <= BOUNDS_MS.length + 1; i++) {
            sums.add("sum(" + buckets + "[" + i + "])");
        }
        return sums.toString();
    }

    /**
     * The 95th percentile as the upper bound (seconds) of the bucket that holds it; null without
     * durations; {@code Double.POSITIVE_INFINITY} when it is past the last bound.
     */
    static Double p95Seconds(List<Long> counts) {
        long total = counts.stream().mapToLong(Long::longValue).sum();
        if (total == 0) {
            return null;
        }
        long rank = (long) Math.ceil(total * 0.95);
        long seen = 0;
        for (int i = 0; i < counts.size(); i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return i < BOUNDS_MS.length ? BOUNDS_MS[i] / 1000.0 : Double.POSITIVE_INFINITY;
            }
        }
        return Double.POSITIVE_INFINITY;
    }
}
