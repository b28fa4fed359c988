package dev.triggerfish.action;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The external systems {@code sync_to_external} writes to, by the name an action gives in
 * {@code integration} ({@code salesforce}, {@code hubspot}, or any REST API that creates an object with
 * a POST and changes it at its own URL). Credentials are named secrets, never in a trigger.
 */
@ConfigMapping(prefix = "triggerfish.integrations")
public interface IntegrationConfig {

    /** Each integration by name: {@code triggerfish.integrations.<name>.*}. */
    @WithParentName
    Map<String, Integration> byName();

    interface Integration {
        /** The API's root, e.g. {@code https://acme.my.salesforce.com/services/data/v59.0}. */
        String baseUrl();

        /** The collection records are created in, below the base URL, e.g. {@code /sobjects/Contact}; an object's URL is this plus {@code /<id>}. */
        String objectPath();

        /** The secret ({@code triggerfish.secret.<name>}) sent as the {@code Authorization} credential; none: no such header. */
        Optional<String> authSecret();

        /** What precedes the secret in {@code Authorization}. */
        @WithDefault("Bearer")
        String authScheme();

        /**
         * A key of the action's {@code mapping} that identifies the record on the target (an external id
         * field): a record not synced yet is then written with {@code PATCH <object-path>/<upsert-key>/<value>},
         * which creates or updates, so a create repeated after a timeout cannot create twice.
         */
        Optional<String> upsertKey();

        /** The field of the target's JSON answer that holds the id it gave the record. */
        @WithDefault("id")
        String idField();

        /** How an object already synced is changed at {@code <object-path>/<id>}: {@code PATCH} or {@code PUT}. */
        @WithDefault("PATCH")
        String updateMethod();

        /** A key the mapped fields are wrapped in (HubSpot's {@code properties}); none: the fields are the body. */
        Optional<String> envelope();

        @WithDefault("10s")
        Duration timeout();
    }
}
