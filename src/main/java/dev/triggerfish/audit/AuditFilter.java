package dev.triggerfish.audit;

import java.time.OffsetDateTime;

/** What {@code GET /api/audit} narrows to; null means any. */
public record AuditFilter(String entityType, String entityId, String actor, String action, OffsetDateTime since, OffsetDateTime until) {
}
