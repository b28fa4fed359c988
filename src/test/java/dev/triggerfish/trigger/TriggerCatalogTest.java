package dev.triggerfish.trigger;

import dev.triggerfish.PostgresResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static dev.triggerfish.Api.api;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The catalog reloads once per trigger change on the replica that made it (right after its commit,
 * before the answer), and once on every other replica (on the change's notification).
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class TriggerCatalogTest {
    static final Duration DEADLINE = Duration.ofSeconds(10);

    @Inject
    TriggerCatalog catalog;

    @Inject
    MeterRegistry meters;

    @Inject
    Pool pool;

    double reloads(String cause) {
        return meters.get("triggerfish.catalog.reloads").tag("cause", cause).counter().count();
    }

    double notifications() {
        return meters.get("triggerfish.catalog.notifications").counter().count();
    }

    /** Runs a change through the API and checks it reloaded this replica's catalog once, its own notification included. */
    void reloadsOnce(String change, Runnable apiCall) {
        double changes = reloads("change");
        double notified = reloads("notification");
        double received = notifications();
        apiCall.run();
        // the change's NOTIFY reaches this replica too: wait for it, then count
        await(change + ": its own notification").atMost(DEADLINE).until(() -> notifications() > received);
        assertEquals(changes + 1, reloads("change"), change + ": reloads right after the commit");
        assertEquals(notified, reloads("notification"), change + ": reloads on its own notification");
    }

    @Test
    void aTriggerChangeReloadsTheCatalogOfItsReplicaOnce() {
        String name = "catalog-" + UUID.randomUUID();
        long[] id = new long[1];
        reloadsOnce("create", () -> id[0] = ((Number) api().body(TriggerApiTest.simple(name))
                .post("/api/event-triggers").then().statusCode(201).extract().path("id")).longValue());
        assertNotNull(catalog.get(id[0]), "the created trigger is in the catalog when the answer arrives");

        reloadsOnce("patch", () -> api().body("{\"is_active\": false}").patch("/api/event-triggers/" + id[0]).then().statusCode(200));
        assertFalse(catalog.get(id[0]).active(), "the change is in the catalog when the answer arrives");

        reloadsOnce("delete", () -> api().delete("/api/event-triggers/" + id[0]).then().statusCode(204));
        assertNull(catalog.get(id[0]), "the deleted trigger left the catalog when the answer arrived");
    }

    @Test
    void anotherReplicasChangeReloadsTheCatalog() {
        long id = ((Number) api().body(TriggerApiTest.simple("catalog-" + UUID.randomUUID()))
                .post("/api/event-triggers").then().statusCode(201).extract().path("id")).longValue();
        double notified = reloads("notification");
        // what another replica's change does: the row changes, and the commit notifies with that replica's id
        pool.withTransaction(tx -> tx.preparedQuery("update event_triggers set name = 'renamed elsewhere', version = version + 1 where id = $1")
                        .execute(Tuple.of(id))
                        .flatMap(ignored -> tx.query("select pg_notify('" + TriggerCatalog.CHANNEL + "', 'another-replica-0000')").execute()))
                .await().atMost(DEADLINE);
        await("the change of another replica in this replica's catalog").atMost(DEADLINE)
                .until(() -> "renamed elsewhere".equals(catalog.get(id).name()));
        assertEquals(notified + 1, reloads("notification"), "reloads on another replica's notification");
        api().delete("/api/event-triggers/" + id).then().statusCode(204);
    }
}
