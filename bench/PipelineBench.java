import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pipeline benchmark (issue 3). Against a running Triggerfish (bench/pipeline starts one):
 *  1. throughput: N events POSTed (batches) that each fire one webhook trigger whose target is a local
 *     HTTP sink in this process; counts sink arrivals and completed executions; events/s delivered;
 *  2. latency: 1,000 events/s for a while, one event per POST; event-to-delivery p50/p99;
 * and prints the ratio to pgbench's durable single-row INSERT rate measured by the caller.
 * The sink and the load generator share one Vert.x event loop (non-blocking, no spinning): on two
 * cores, every cycle the harness spends is taken from the service and PostgreSQL.
 * Args: baseUrl apiKey jdbcUrl events batch
 */
public class PipelineBench {
    static final Pattern SENT = Pattern.compile("\"sent\":\"(\\d+)\"");
    static final int WARMUP = Integer.getInteger("warmup", 240_000);
    /** Single-event POSTs at 1,000/s before the latency is measured (-Dlatency-warmup=N). */
    static final int LATENCY_WARMUP = Integer.getInteger("latency-warmup", 90_000);
    /** -Dlatency=false: the throughput phase only (bench/peer). */
    static final boolean LATENCY = !"false".equals(System.getProperty("latency"));
    /** -Dsoak=S: instead of both phases, events at -Drate=R events/s (one per POST) for S seconds (bench/soak). */
    static final int SOAK_SECONDS = Integer.getInteger("soak", 0);
    static final int SOAK_RATE = Integer.getInteger("rate", 500);

    /** -Dservice.pid=P -Dpostgres.pid=Q (bench/lib.sh passes them): CPU time per event of the service, its PostgreSQL and this harness. */
    static final long SERVICE_PID = Long.getLong("service.pid", 0);
    static final long POSTGRES_PID = Long.getLong("postgres.pid", 0);

    static final ConcurrentHashMap<String, Integer> deliveries = new ConcurrentHashMap<>();
    static final AtomicLong arrivals = new AtomicLong();
    static volatile long[] latencies = new long[0];
    static final AtomicLong latencyCount = new AtomicLong();
    /** Time from a POST to its 202 (the events durable), per POST of the latency phase. */
    static volatile long[] acceptLatencies = new long[0];
    static final AtomicLong accepts = new AtomicLong();

    public static void main(String[] args) {
        try {
            measure(args);
        } catch (Throwable t) { // the Vert.x threads would keep the JVM (and the script waiting for it) alive
            t.printStackTrace();
            System.exit(1);
        }
    }

    static void measure(String[] args) throws Exception {
        URI base = URI.create(args[0]);
        String key = args[1];
        String jdbc = args[2];
        int events = Integer.parseInt(args[3]);
        int batch = Integer.parseInt(args[4]);

        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        HttpServer sink = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            long now = System.nanoTime();
            String idem = request.getHeader("Idempotency-Key");
            deliveries.merge(idem == null ? "none" : idem, 1, Integer::sum);
            arrivals.incrementAndGet();
            Matcher m = SENT.matcher(body.toString());
            if (m.find()) {
                long i = latencyCount.getAndIncrement();
                long[] l = latencies;
                if (i < l.length) {
                    l[(int) i] = now - Long.parseLong(m.group(1));
                }
            }
            request.response().setStatusCode(204).end();
        }));
        sink.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
        String sinkUrl = "http://127.0.0.1:" + sink.actualPort() + "/hook";

        // HTTP/1.1 over several connections, as many clients would open (one HTTP/2 connection would pin all intake to one event loop)
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_1_1).setKeepAlive(true)
                .setDefaultHost(base.getHost()).setDefaultPort(base.getPort()), new PoolOptions().setHttp1MaxSize(16));
        String type = "BenchEvent" + System.currentTimeMillis();
        String trigger = """
                {"name": "bench webhook", "trigger_type": "model_created", "model_type": "%s",
                 "trigger_conditions": [{"field": "kind", "operator": "equals", "value": "bench"}],
                 "allow_retries": false,
                 "action_configuration": {"actions": [{"type": "webhook", "url": "%s", "method": "POST",
                    "body": {"id": "{{entity_id}}", "sent": "{{entity.sent}}"}}]}}""".formatted(type, sinkUrl);
        Reply created = send(http, HttpMethod.POST, "/api/event-triggers", key, trigger).get();
        if (created.status() != 201) {
            throw new IllegalStateException("trigger not created: " + created.status() + " " + created.body());
        }
        long triggerId = Long.parseLong(created.body().replaceAll("(?s)^\\{\"id\":(\\d+).*", "$1"));

        // warm-up (the JIT compiles the hot paths): not measured
        run(http, key, type, "w", WARMUP, batch, 0, false);
        if (awaitCompleted(jdbc, triggerId, WARMUP, 120) < WARMUP) {
            throw new IllegalStateException("warm-up: the events were not all delivered within 120 s");
        }
        arrivals.set(0);
        deliveries.clear();
        if (SOAK_SECONDS > 0) {
            soak(http, key, type, jdbc, triggerId);
            send(http, HttpMethod.DELETE, "/api/event-triggers/" + triggerId, key, null).get();
            System.exit(0);
        }

        // 1. throughput
        System.out.println("warm-up done (" + WARMUP + " events); measuring");
        if (!"false".equals(System.getProperty("throughput"))) {
            throughput(http, key, type, jdbc, triggerId, events, batch);
        }
        if (!LATENCY) {
            send(http, HttpMethod.DELETE, "/api/event-triggers/" + triggerId, key, null).get();
            System.exit(0);
        }

        // 2. latency at 1,000 events/s, one event per POST, after a warm-up of that path (single events
        //    take code paths the batches did not: C2 went on compiling them for over a minute, the service
        //    slower than the rate until then)
        int paced = 10_000;
        arrivals.set(0);
        run(http, key, type, "lw", LATENCY_WARMUP, 1, 1_000, false);
        awaitArrivals(LATENCY_WARMUP, 120);
        arrivals.set(0);
        latencies = new long[paced];
        latencyCount.set(0);
        acceptLatencies = new long[paced];
        accepts.set(0);
        long[] cpu0 = cpuTicks();
        long pacedStart = System.nanoTime();
        run(http, key, type, "l", paced, 1, 1_000, true);
        double sentRate = paced / ((System.nanoTime() - pacedStart) / 1e9);
        awaitArrivals(paced, 120);
        long[] cpu1 = cpuTicks();
        System.out.printf("latency at 1,000 events/s (%,d events, one per POST): p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                paced, pct(0.50), pct(0.99), pct(1.0));
        // with 16 POSTs in flight, a service slower than 16 ms per POST cannot be sent 1,000/s: then this is less
        System.out.printf("  sent at %,.0f events/s%n", sentRate);
        long[] acceptSorted = Arrays.copyOf(acceptLatencies, (int) Math.min(accepts.get(), paced));
        Arrays.sort(acceptSorted);
        System.out.printf("  of which POST to 202 (the event durable): p50 %.1f ms, p99 %.1f ms%n",
                acceptSorted[acceptSorted.length / 2] / 1e6, acceptSorted[(int) Math.ceil(0.99 * acceptSorted.length) - 1] / 1e6);
        printCpu(cpu0, cpu1, paced);
        System.out.println("RESULT_P99 " + pct(0.99));
        send(http, HttpMethod.DELETE, "/api/event-triggers/" + triggerId, key, null).get();
        System.exit(0);
    }

    static void throughput(HttpClient http, String key, String type, String jdbc, long triggerId, int events, int batch) throws Exception {
        latencies = new long[events];
        latencyCount.set(0);
        long[] cpu0 = cpuTicks();
        long t0 = System.nanoTime();
        run(http, key, type, "t", events, batch, 0, true);
        long sentAt = System.nanoTime();
        awaitArrivals(events, 120);
        long t1 = System.nanoTime();
        long[] cpu1 = cpuTicks();
        long completed = awaitCompleted(jdbc, triggerId, WARMUP + events, 120) - WARMUP;
        double seconds = (t1 - t0) / 1e9;
        long duplicates = deliveries.values().stream().filter(n -> n > 1).count();
        System.out.printf("throughput: %,d events in batches of %d%n", events, batch);
        System.out.printf("  sent in %.2f s; all delivered after %.2f s%n", (sentAt - t0) / 1e9, seconds);
        System.out.printf("  delivered          %,10.0f events/s%n", events / seconds);
        System.out.printf("  sink arrivals %d, completed executions %d, events sent %d, duplicate deliveries %d, lost %d%n",
                arrivals.get(), completed, events, duplicates, events - arrivals.get());
        System.out.printf("  delivery latency under full load: p50 %.1f ms, p99 %.1f ms%n", pct(0.50), pct(0.99));
        printCpu(cpu0, cpu1, events);
        System.out.println("RESULT_RATE " + (long) (events / seconds));

    }

    /** A steady rate for a long while (memory: does anything grow?); prints what arrived, and the latency. */
    static void soak(HttpClient http, String key, String type, String jdbc, long triggerId) throws Exception {
        int n = SOAK_RATE * SOAK_SECONDS;
        System.out.printf("soak: %,d events/s, one per POST, for %d s%n", SOAK_RATE, SOAK_SECONDS);
        latencies = new long[n];
        latencyCount.set(0);
        run(http, key, type, "s", n, 1, SOAK_RATE, true);
        awaitArrivals(n, 120);
        long completed = awaitCompleted(jdbc, triggerId, WARMUP + n, 120) - WARMUP;
        long duplicates = deliveries.values().stream().filter(d -> d > 1).count();
        System.out.printf("  sink arrivals %d, completed executions %d, events sent %d, duplicate deliveries %d, lost %d%n",
                arrivals.get(), completed, n, duplicates, n - arrivals.get());
        System.out.printf("  event-to-delivery latency: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", pct(0.50), pct(0.99), pct(1.0));
    }

    record Reply(int status, String body) {
    }

    static CompletableFuture<Reply> send(HttpClient http, HttpMethod method, String path, String key, String body) {
        RequestOptions options = new RequestOptions().setMethod(method).setURI(path).putHeader("X-API-Key", key)
                .putHeader("Content-Type", "application/json");
        return http.request(options)
                .compose(request -> body == null ? request.send() : request.send(Buffer.buffer(body)))
                .compose(response -> response.body().map(b -> new Reply(response.statusCode(), b.toString())))
                .toCompletionStage().toCompletableFuture();
    }

    /** Sends {@code n} events in POSTs of {@code batch}; at {@code rate} events/s when > 0, else as fast as 16 requests in flight allow. */
    static void run(HttpClient http, String key, String type, String prefix, int n, int batch, int rate, boolean stamp)
            throws Exception {
        Semaphore inFlight = new Semaphore(16);
        CountDownLatch done = new CountDownLatch((n + batch - 1) / batch);
        long start = System.nanoTime();
        for (int i = 0; i < n; i += batch) {
            if (rate > 0) {
                long wait = start + (long) (i * 1e9 / rate) - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            inFlight.acquire();
            StringBuilder body = new StringBuilder(batch == 1 ? "" : "[");
            for (int j = i; j < Math.min(n, i + batch); j++) {
                if (j > i) {
                    body.append(',');
                }
                body.append("{\"event\":\"created\",\"entity_type\":\"").append(type).append("\",\"entity_id\":\"").append(prefix).append(j)
                        .append("\",\"record\":{\"kind\":\"bench\",\"sent\":\"").append(stamp ? System.nanoTime() : 0).append("\"}}");
            }
            if (batch != 1) {
                body.append(']');
            }
            long postedAt = System.nanoTime();
            send(http, HttpMethod.POST, "/api/events", key, body.toString()).whenComplete((r, e) -> {
                long k = accepts.getAndIncrement();
                long[] a = acceptLatencies;
                if (k < a.length) {
                    a[(int) k] = System.nanoTime() - postedAt;
                }
                inFlight.release();
                done.countDown();
                if (e != null || r.status() != 202) {
                    System.err.println("intake failed: " + (e != null ? e : r.status() + " " + r.body()));
                }
            });
        }
        done.await();
    }

    static void awaitArrivals(long n, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (arrivals.get() < n && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
    }

    /** Completed executions of the trigger, polled (every 250 ms: the count is not free) until {@code n} or the deadline. */
    static long awaitCompleted(String jdbc, long triggerId, long n, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        try (Connection c = DriverManager.getConnection(jdbc)) {
            while (true) {
                try (ResultSet rs = c.createStatement().executeQuery(
                        "select count(*) from trigger_executions where trigger_id = " + triggerId + " and status = 'completed'")) {
                    rs.next();
                    long done = rs.getLong(1);
                    if (done >= n || System.nanoTime() > deadline) {
                        return done;
                    }
                }
                TimeUnit.MILLISECONDS.sleep(250);
            }
        }
    }

    /**
     * CPU time so far (user + system, clock ticks) of the service, of its PostgreSQL (the postmaster with its
     * children that exited, and the live backends) and of this harness; empty without both pids.
     */
    static long[] cpuTicks() {
        if (SERVICE_PID == 0 || POSTGRES_PID == 0) {
            return new long[0];
        }
        long backends = ProcessHandle.of(POSTGRES_PID).map(ProcessHandle::descendants).orElse(Stream.empty())
                .mapToLong(p -> ticks(p.pid(), false)).sum();
        return new long[] {ticks(SERVICE_PID, false), ticks(POSTGRES_PID, true) + backends, ticks(ProcessHandle.current().pid(), false)};
    }

    /** utime + stime (fields 14 and 15 of /proc/pid/stat), with cutime + cstime (16, 17: its children that exited) when asked */
    static long ticks(long pid, boolean withExitedChildren) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long own = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return withExitedChildren ? own + Long.parseLong(f[13]) + Long.parseLong(f[14]) : own;
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    /** CPU µs per event between two {@link #cpuTicks()} readings (Linux: 100 ticks a second). */
    static void printCpu(long[] before, long[] after, int events) {
        if (before.length == 0) {
            return;
        }
        double us = 1e6 / 100 / events;
        System.out.printf("  CPU per event: service %.0f µs, PostgreSQL %.0f µs, harness %.0f µs%n",
                (after[0] - before[0]) * us, (after[1] - before[1]) * us, (after[2] - before[2]) * us);
    }

    static double pct(double p) {
        int n = (int) Math.min(latencyCount.get(), latencies.length);
        if (n == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        return sorted[Math.max(0, Math.min(n - 1, (int) Math.ceil(p * n) - 1))] / 1e6;
    }
}
