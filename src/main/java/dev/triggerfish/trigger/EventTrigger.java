package dev.triggerfish.trigger;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A stored trigger definition. The spec's nested JSON lives in {@link #definition}. */
@Entity
@Table(name = "event_triggers")
public class EventTrigger extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String name;

    public String description;

    @Column(name = "trigger_type")
    public String triggerType;

    @Column(name = "model_type")
    public String modelType;

    @Column(name = "model_key")
    public String modelKey;

    /** {@code trigger_conditions}, {@code action_configuration}, {@code rate_limiting}, {@code retry_configuration}. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    public Map<String, Object> definition;

    @Column(name = "is_active")
    public boolean isActive;

    @Column(name = "debug_mode")
    public boolean debugMode;

    @Column(name = "allow_retries")
    public boolean allowRetries;

    @Column(name = "max_retries")
    public int maxRetries;

    @Column(name = "delay_minutes")
    public int delayMinutes;

    @Version
    public int version;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    /** Copies a checked definition into this entity. */
    void apply(TriggerDefinition d) {
        name = d.name();
        description = d.description();
        triggerType = d.triggerType().wireName();
        modelType = d.modelType();
        modelKey = d.modelKey();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("trigger_conditions", d.triggerConditions() == null ? List.of() : d.triggerConditions());
        json.put("action_configuration", d.actionConfiguration());
        json.put("rate_limiting", d.rateLimiting());
        json.put("retry_configuration", d.retryConfiguration());
        if (d.webhookSource() != null) {
            json.put(TriggerDefinition.WEBHOOK_SOURCE, d.webhookSource());
        }
        definition = json;
        isActive = d.isActive();
        debugMode = d.debugMode();
        allowRetries = d.allowRetries();
        maxRetries = d.maxRetries();
        delayMinutes = d.delayMinutes();
        updatedAt = OffsetDateTime.now();
        if (createdAt == null) {
            createdAt = updatedAt;
        }
    }

    /** The trigger as the API writes it: the spec's fields, snake_case, plus id, version and times. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("name", name);
        json.put("description", description);
        json.put("trigger_type", triggerType);
        json.put("model_type", modelType);
        json.put("trigger_conditions", definition.get("trigger_conditions"));
        json.put("action_configuration", definition.get("action_configuration"));
        json.put("rate_limiting", definition.get("rate_limiting"));
        json.put("allow_retries", allowRetries);
        json.put("max_retries", maxRetries);
        json.put("retry_configuration", definition.get("retry_configuration"));
        json.put("delay_minutes", delayMinutes);
        json.put("is_active", isActive);
        json.put("debug_mode", debugMode);
        if (definition.get(TriggerDefinition.WEBHOOK_SOURCE) != null) {
            json.put(TriggerDefinition.WEBHOOK_SOURCE, definition.get(TriggerDefinition.WEBHOOK_SOURCE));
        }
        json.put("version", version);
        json.put("created_at", createdAt);
        json.put("updated_at", updatedAt);
        return json;
    }
}
