package dev.triggerfish.crm;

import java.util.List;

/** One page of records, with the total across all pages. */
public record RecordPage(List<CrmRecord> records, int page, int perPage, long total) {
}
