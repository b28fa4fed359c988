package dev.triggerfish.crm;

/** A record before and after one change (before is null for a create, after is null for a delete). */
public record RecordChange(CrmRecord before, CrmRecord after) {
}
