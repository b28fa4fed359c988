package dev.triggerfish;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three replicas of the packaged service (real processes) share one PostgreSQL while events flow;
 * one replica is killed with SIGKILL, then PostgreSQL itself is restarted. Every event is delivered,
 * each by one execution; a step repeats only if it was in flight at the kill or the restart, and then
 * with the same idempotency key.
 */
class ReplicasIT {
    private static final String KEY = "replicas-key";
    private static final Pattern ENTITY = Pattern.compile("\"id\":\"([^\"]+)\"");
    private static final int EVENTS = 1_500;
    private static final int BATCH = 20;
    /** Runner concurrency per replica: the most steps that can be in flight on one replica at once. */
    private static final int CONCURRENCY = 16;

    static final File DIR = new File("target/replicas-it");
    static EmbeddedPostgres postgres;
    /** PostgreSQL after its restart (the embedded instance's object still names its data directory). */
    static Process restarted;
    static int pgPort;
    static WebhookSink sink;
    static final List<Replica> replicas = new ArrayList<>();
    /** Counted down once PostgreSQL has stopped, before it starts again. */
    static final java.util.concurrent.CountDownLatch postgresDown = new java.util.concurrent.CountDownLatch(1);
    /** The statuses of refused intake requests. */
    static final Set<Integer> refusals = java.util.concurrent.ConcurrentHashMap.newKeySet();
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

    record Replica(String name, int port, Process process) {
        String base() {
            return "http://localhost:" + port;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        postgres = PostgresResource.start(DIR);
        pgPort = postgres.getPort();
        sink = new WebhookSink();
        for (String name : List.of("r1", "r2", "r3")) {
            replicas.add(launch(name));
        }
        for (Replica r : replicas) {
            awaitReady(r);
        }
    }

    @AfterAll
    static void stop() throws IOException {
        replicas.forEach(r -> r.process().destroyForcibly());
        if (sink != null) {
            sink.close();
        }
        if (restarted != null) {
            new ProcessBuilder("kill", "-INT", Long.toString(restarted.pid())).start();
            restarted.onExit().join();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void threeReplicasShareTheWorkThroughAKillAndADatabaseRestartAndLoseNothing() throws Exception {
        String type = "Replicated" + System.nanoTime();
        HttpResponse<String> created = post(replicas.get(0), "/api/event-triggers", """
                {"name": "replicated", "trigger_type": "model_created", "model_type": "%s", "max_retries": 10,
                 "retry_configuration": {"delay_minutes": 0.01, "backoff_multiplier": 1, "max_delay_hours": 0.01},
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s", "body": {"id": "{{entity_id}}"}}]}}"""
                .formatted(type, sink.url("/replicated")));
        assertEquals(201, created.statusCode(), created.body());
        long trigger = Long.parseLong(created.body().replaceAll("(?s)^\\{\"id\":(\\d+).*", "$1"));
        // every replica has the trigger in its catalog once an event it accepts is delivered
        for (Replica r : replicas) {
            int[] probe = {0};
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
                post(r, "/api/events", event(type, "probe-" + r.name() + "-" + probe[0]++));
                return delivered().stream().anyMatch(id -> id.startsWith("probe-" + r.name()));
            });
        }

        int refused = 0;
        java.util.concurrent.CompletableFuture<Void> restart = null;
        for (int i = 0; i < EVENTS; i += BATCH) {
            if (i == EVENTS / 3) {
                replicas.get(1).process().destroyForcibly(); // SIGKILL: no shutdown hook, claims left to expire
                replicas.get(1).process().waitFor();
            }
            if (i == 2 * EVENTS / 3) {
                restart = java.util.concurrent.CompletableFuture.runAsync(ReplicasIT::restartPostgres); // while events keep coming
                assertTrue(postgresDown.await(30, java.util.concurrent.TimeUnit.SECONDS), "PostgreSQL stopped"); // the next batches meet the outage
            }
            StringBuilder batch = new StringBuilder("[");
            for (int j = i; j < i + BATCH; j++) {
                batch.append(j == i ? "" : ",").append(event(type, "e" + j));
            }
            refused += sendSomewhere(i / BATCH, batch.append(']').toString());
        }
        restart.join();
        assertTrue(refused > 0, "the killed replica and the restarting database refused some requests");
        assertTrue(refusals.contains(503), "while the database was away, intake answered 503: " + refusals);

        await().atMost(Duration.ofSeconds(90)).until(() -> delivered().containsAll(expected()));
        await().atMost(Duration.ofSeconds(30)).until(() -> completed(trigger) == executions(trigger));
        Map<String, Integer> byKey = new HashMap<>();
        sink.at("/replicated").forEach(r -> byKey.merge(r.headers().get("idempotency-key"), 1, Integer::sum));
        long repeated = byKey.values().stream().filter(n -> n > 1).count();
        Set<String> events = new HashSet<>(delivered());
        events.removeIf(id -> id.startsWith("probe-"));
        assertEquals(EVENTS, events.size(), "every event delivered");
        assertEquals(executions(trigger), byKey.size(), "one idempotency key per execution");
        assertTrue(repeated <= 2L * replicas.size() * CONCURRENCY,
                repeated + " steps delivered twice: more than were in flight at the kill and the restart");
        try (Connection c = postgres.getPostgresDatabase().getConnection();
             ResultSet rs = c.createStatement().executeQuery(
                     "select count(*) - count(distinct event_id) from trigger_executions where trigger_id = " + trigger)) {
            rs.next();
            assertEquals(0, rs.getLong(1), "one execution per event");
        }
    }

    /** Sends a batch to the replicas in turn until one accepts it (its event ids make a resend harmless); returns the refusals. */
    static int sendSomewhere(int first, String body) {
        AtomicInteger attempts = new AtomicInteger();
        // each poll tries every replica once; when all refuse (the database is away), the next poll comes after 200 ms
        await().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (int k = 0; k < replicas.size(); k++) {
                Replica r = replicas.get((first + attempts.getAndIncrement()) % replicas.size());
                try {
                    int status = post(r, "/api/events", body).statusCode();
                    if (status == 202) {
                        return true;
                    }
                    refusals.add(status);
                } catch (IOException e) {
                    // that replica is down: the next one takes the same batch
                }
            }
            return false;
        });
        return attempts.get() - 1;
    }

    /**
     * Fast shutdown of PostgreSQL (every connection closed), then the same server again on the same
     * port and data, started as the embedded one was (zonky runs it in a user namespace: PostgreSQL
     * refuses to run as root).
     */
    static void restartPostgres() {
        try {
            stopAndStartPostgres();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void stopAndStartPostgres() throws IOException {
        Path pid = new File(DIR, "data-" + ProcessHandle.current().pid()).toPath().resolve("postmaster.pid");
        long postmaster = Long.parseLong(Files.readAllLines(pid).get(0).trim());
        List<String> command = List.of(new String(Files.readAllBytes(Path.of("/proc/" + postmaster + "/cmdline"))).split("\0"));
        ProcessHandle handle = ProcessHandle.of(postmaster).orElseThrow();
        new ProcessBuilder("kill", "-INT", Long.toString(postmaster)).start();
        await().atMost(Duration.ofSeconds(20)).until(() -> !handle.isAlive());
        postgresDown.countDown();
        try {
            // the database stays away until intake has met the outage (the sender goes on meanwhile)
            await().atMost(Duration.ofSeconds(30)).until(() -> refusals.contains(503));
        } finally {
            startPostgres(command);
        }
    }

    static void startPostgres(List<String> command) throws IOException {
        List<String> again = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            again.addAll(List.of("unshare", "-U"));
        }
        again.addAll(command);
        restarted = new ProcessBuilder(again).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(DIR, "postgres.log"))).start();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> count("select 1") == 1);
    }

    static Replica launch(String name) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        File log = new File(DIR, name + ".log");
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-jar", "target/quarkus-app/quarkus-run.jar")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        Map<String, String> env = pb.environment();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://localhost:" + pgPort + "/postgres");
        env.put("QUARKUS_DATASOURCE_USERNAME", "postgres");
        env.put("TRIGGERFISH_DATA_DIR", new File(DIR, name).getAbsolutePath());
        env.put("TRIGGERFISH_API_KEYS", KEY);
        env.put("TRIGGERFISH_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1");
        env.put("TRIGGERFISH_RUNNER_CONCURRENCY", Integer.toString(CONCURRENCY));
        env.put("TRIGGERFISH_RUNNER_LEASE", "3s");
        env.put("TRIGGERFISH_RUNNER_HEARTBEAT", "1s");
        env.put("TRIGGERFISH_DISPATCH_LEASE", "3s");
        env.put("QUARKUS_LOG_LEVEL", "WARN");
        return new Replica(name, port, pb.start());
    }

    static void awaitReady(Replica r) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!r.process().isAlive()) {
                throw new AssertionError(r.name() + " exited; see " + new File(DIR, r.name() + ".log"));
            }
            try {
                return http.send(HttpRequest.newBuilder(URI.create(r.base() + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    static HttpResponse<String> post(Replica r, String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(r.base() + path)).timeout(Duration.ofSeconds(10))
                .header("X-API-Key", KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String event(String type, String id) {
        return "{\"event\": \"created\", \"event_id\": \"" + type + "-" + id + "\", \"entity_type\": \"" + type
                + "\", \"entity_id\": \"" + id + "\", \"record\": {}}";
    }

    static Set<String> delivered() {
        Set<String> ids = new HashSet<>();
        for (WebhookSink.Received r : sink.at("/replicated")) {
            Matcher m = ENTITY.matcher(r.body());
            if (m.find()) {
                ids.add(m.group(1));
            }
        }
        return ids;
    }

    static Set<String> expected() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < EVENTS; i++) {
            ids.add("e" + i);
        }
        return ids;
    }

    static long executions(long trigger) throws Exception {
        return count("select count(*) from trigger_executions where trigger_id = " + trigger);
    }

    static long completed(long trigger) throws Exception {
        return count("select count(*) from trigger_executions where trigger_id = " + trigger + " and status = 'completed'");
    }

    static long count(String sql) throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
