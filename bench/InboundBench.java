import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Inbound webhook benchmark (issue 11): N Standard Webhooks deliveries, each signed over its exact
 * bytes, POSTed to a running Triggerfish with C in flight; prints deliveries/s to a durable 202 and
 * the p50/p99 time to that answer. Each payload is a "Marketing Qualified Lead" (score 92) about a
 * contact looked up by email. With an API key as a sixth argument, the same payloads are then POSTed
 * as custom events to /api/events (no signature, no record lookup) with the same concurrency, for the
 * intake path's own figure in the same run. Args: baseUrl source whsecSecret n concurrency [apiKey]
 */
public class InboundBench {
    public static void main(String[] args) throws Exception {
        String url = args[0] + "/api/webhooks/" + args[1];
        byte[] key = Base64.getDecoder().decode(args[2].substring("whsec_".length()));
        int n = Integer.parseInt(args[3]);
        int concurrency = Integer.parseInt(args[4]);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        run(client, url, key, Math.min(n, 500), concurrency, "warmup-"); // warm the JIT and the pools
        long[] latencies = new long[n];
        AtomicInteger accepted = new AtomicInteger();
        long start = System.nanoTime();
        int failed = run(client, url, key, n, concurrency, "run-", latencies, accepted);
        double seconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(latencies);
        System.out.printf("deliveries %d (202: %d, other: %d) in %.2f s: %.0f deliveries/s; time to 202 p50 %.1f ms, p99 %.1f ms%n",
                n, accepted.get(), failed, seconds, n / seconds, latencies[n / 2] / 1e6, latencies[(int) (n * 0.99)] / 1e6);
        if (args.length > 5) {
            long[] events = new long[n];
            AtomicInteger stored = new AtomicInteger();
            long begin = System.nanoTime();
            int refused = run(client, args[0] + "/api/events", null, args[5], n, concurrency, "event-", events, stored);
            double took = (System.nanoTime() - begin) / 1e9;
            Arrays.sort(events);
            System.out.printf("same payloads as POST /api/events: %d (202: %d, other: %d) in %.2f s: %.0f events/s; time to 202 p50 %.1f ms,"
                    + " p99 %.1f ms%n", n, stored.get(), refused, took, n / took, events[n / 2] / 1e6, events[(int) (n * 0.99)] / 1e6);
        }
    }

    static int run(HttpClient client, String url, byte[] key, int n, int concurrency, String prefix) throws Exception {
        return run(client, url, key, null, n, concurrency, prefix, new long[n], new AtomicInteger());
    }

    static int run(HttpClient client, String url, byte[] key, int n, int concurrency, String prefix, long[] latencies,
                   AtomicInteger accepted) throws Exception {
        return run(client, url, key, null, n, concurrency, prefix, latencies, accepted);
    }

    /** Signed deliveries with {@code key}, or (with {@code apiKey}) the same payloads as custom events. */
    static int run(HttpClient client, String url, byte[] key, String apiKey, int n, int concurrency, String prefix, long[] latencies,
                   AtomicInteger accepted) throws Exception {
        Semaphore inFlight = new Semaphore(concurrency);
        AtomicInteger failed = new AtomicInteger();
        CompletableFuture<?>[] all = new CompletableFuture<?>[n];
        String run = Long.toString(System.currentTimeMillis(), 36);
        for (int i = 0; i < n; i++) {
            inFlight.acquire();
            String id = "msg_" + prefix + run + "_" + i;
            String body = "{\"email\": \"lead" + (i % 1000) + "@example.com\", \"score\": 92, \"source\": \"marketing_automation\"}";
            long now = System.currentTimeMillis() / 1000;
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json");
            if (apiKey != null) {
                builder.header("Authorization", "Bearer " + apiKey);
                body = "{\"event\": \"lead.scored\", \"entity_type\": \"Contact\", \"event_id\": \"" + id + "\", \"record\": " + body + "}";
            } else {
                builder.header("webhook-id", id).header("webhook-timestamp", Long.toString(now))
                        .header("webhook-signature", "v1," + sign(key, id + "." + now + "." + body));
            }
            HttpRequest request = builder.POST(HttpRequest.BodyPublishers.ofString(body)).build();
            int index = i;
            long sent = System.nanoTime();
            all[i] = client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                latencies[index] = System.nanoTime() - sent;
                if (error == null && response.statusCode() == 202) {
                    accepted.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                }
                inFlight.release();
            });
        }
        CompletableFuture.allOf(all).exceptionally(e -> null).join();
        return failed.get();
    }

    static String sign(byte[] key, String content) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
    }
}
