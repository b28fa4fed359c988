import com.sun.net.httpserver.HttpServer;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Chaos scenario (issue 4), driven by bench/chaos: events are sent at a steady rate, round-robin to
 * every replica (a batch refused by a dead replica goes to the next one with the same event ids), to a
 * webhook trigger whose target is a sink here; meanwhile the script kills a replica with SIGKILL,
 * restarts it, and restarts PostgreSQL. At the end: events sent, executions created, steps delivered,
 * duplicate deliveries (one idempotency key delivered twice), events lost.
 * Args: apiKey baseUrls(comma) jdbcUrl events ratePerSecond
 */
public class ChaosBench {
    static final Pattern ID = Pattern.compile("\"id\":\"(\\d+)\"");
    static final Map<String, AtomicInteger> byKey = new ConcurrentHashMap<>();
    static final Set<String> delivered = ConcurrentHashMap.newKeySet();

    public static void main(String[] args) throws Exception {
        String key = args[0];
        String[] bases = args[1].split(",");
        String jdbc = args[2];
        int events = Integer.parseInt(args[3]);
        int rate = Integer.parseInt(args[4]);

        HttpServer sink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        sink.setExecutor(Executors.newFixedThreadPool(8));
        sink.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String idem = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            byKey.computeIfAbsent(String.valueOf(idem), k -> new AtomicInteger()).incrementAndGet();
            Matcher m = ID.matcher(body);
            if (m.find()) {
                delivered.add(m.group(1));
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        sink.start();

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        String type = "Chaos" + System.currentTimeMillis();
        String trigger = """
                {"name": "chaos webhook", "trigger_type": "model_created", "model_type": "%s", "max_retries": 10,
                 "retry_configuration": {"delay_minutes": 0.02, "backoff_multiplier": 2, "max_delay_hours": 0.01},
                 "action_configuration": {"actions": [{"type": "webhook", "url": "http://127.0.0.1:%d/hook", "body": {"id": "{{entity_id}}"}}]}}"""
                .formatted(type, sink.getAddress().getPort());
        HttpResponse<String> created = send(http, bases, 0, "/api/event-triggers", key, trigger);
        long triggerId = Long.parseLong(created.body().replaceAll("(?s)^\\{\"id\":(\\d+).*", "$1"));
        Thread.sleep(2_000); // every replica reloads its trigger catalog on the change notification

        int batch = 20;
        long start = System.nanoTime();
        int refused = 0;
        for (int i = 0; i < events; i += batch) {
            long due = start + (long) (i * 1e9 / rate);
            while (System.nanoTime() < due) {
                Thread.sleep(1);
            }
            StringBuilder body = new StringBuilder("[");
            for (int j = i; j < Math.min(events, i + batch); j++) {
                body.append(j == i ? "" : ",").append("{\"event\":\"created\",\"event_id\":\"").append(type).append('-').append(j)
                        .append("\",\"entity_type\":\"").append(type).append("\",\"entity_id\":\"").append(j).append("\",\"record\":{}}");
            }
            body.append(']');
            refused += sendCounting(http, bases, i / batch, "/api/events", key, body.toString()).refusals();
        }
        System.out.printf("sent %d events in %.1f s (%d POSTs refused by a dead or restarting replica, resent elsewhere)%n",
                events, (System.nanoTime() - start) / 1e9, refused);

        long deadline = System.nanoTime() + 300_000_000_000L;
        long completed = 0;
        long createdExecutions = 0;
        while (System.nanoTime() < deadline) {
            try (Connection c = DriverManager.getConnection(jdbc); ResultSet rs = c.createStatement().executeQuery(
                    "select count(*), count(*) filter (where status = 'completed') from trigger_executions where trigger_id = " + triggerId)) {
                rs.next();
                createdExecutions = rs.getLong(1);
                completed = rs.getLong(2);
            } catch (Exception e) {
                System.err.println("database not reachable yet: " + e.getMessage());
            }
            if (completed >= events && delivered.size() >= events) {
                break;
            }
            Thread.sleep(200);
        }
        long duplicates = byKey.values().stream().filter(n -> n.get() > 1).count();
        System.out.printf("events sent %d%n", events);
        System.out.printf("executions created %d (completed %d)%n", createdExecutions, completed);
        System.out.printf("steps delivered at the sink %d (distinct idempotency keys %d)%n",
                byKey.values().stream().mapToInt(AtomicInteger::get).sum(), byKey.size());
        System.out.printf("duplicate deliveries %d (allowed only for steps in flight at a kill or restart)%n", duplicates);
        System.out.printf("events lost %d%n", events - delivered.size());
        sink.stop(0);
        System.exit(events - delivered.size() == 0 && createdExecutions == events ? 0 : 1);
    }

    /** A request that succeeded, and how many replicas refused it first. */
    record Sent(HttpResponse<String> response, int refusals) {
    }

    static HttpResponse<String> send(HttpClient http, String[] bases, int first, String path, String key, String body) throws Exception {
        return sendCounting(http, bases, first, path, key, body).response();
    }

    /** Sends to the replicas in turn, from {@code first}, until one accepts (event ids make resending safe). */
    static Sent sendCounting(HttpClient http, String[] bases, int first, String path, String key, String body) throws Exception {
        int refusals = 0;
        for (int attempt = 0; ; attempt++) {
            String base = bases[(first + attempt) % bases.length];
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                        .header("X-API-Key", key).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() / 100 == 2) {
                    return new Sent(r, refusals);
                }
            } catch (java.io.IOException e) {
                // that replica is down: the next one takes the same request
            }
            refusals++;
            if (attempt > 0 && attempt % bases.length == 0) {
                Thread.sleep(200);
            }
        }
    }
}
