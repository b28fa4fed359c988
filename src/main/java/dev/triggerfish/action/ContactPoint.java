package dev.triggerfish.action;

import dev.triggerfish.crm.RecordStore;
import io.smallrye.mutiny.Uni;

import java.util.List;
import java.util.Map;

/**
 * Where a message to a record goes: the record's own {@code email} or {@code phone}, or, for a record
 * without one that names a contact by {@code contact_id} (a deal), that contact's.
 *
 * @param value the address or number as stored, or null
 * @param what  where it was read, for the step's error ("the record's email")
 */
record ContactPoint(String value, String what) {

    static Uni<ContactPoint> of(ActionContext context, String field, RecordStore records) {
        Map<?, ?> entity = context.scope().get("entity") instanceof Map<?, ?> m ? m : Map.of();
        Object own = entity.get(field);
        Object contact = entity.get("contact_id");
        if (own != null || contact == null) {
            return Uni.createFrom().item(new ContactPoint(own == null ? null : own.toString(), "the record's " + field));
        }
        return records.findAll(List.of("contact"), List.of(contact.toString()))
                .map(found -> {
                    Object value = found.isEmpty() ? null : found.get(0).toJson().get(field);
                    return new ContactPoint(value == null ? null : value.toString(), "the " + field + " of its contact " + contact);
                });
    }
}
