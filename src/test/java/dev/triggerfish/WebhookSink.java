package dev.triggerfish;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** A real HTTP server that webhooks are sent to in tests: it records every request and answers 200 (or what a path is told to). */
public final class WebhookSink implements AutoCloseable {

    /** One request as received. Header names are lower case. */
    public record Received(String method, String path, Map<String, String> headers, String body, long atNanos) {
    }

    /** The next {@code times} requests to a path get {@code status} (and {@code Retry-After} when given). */
    private record Script(int status, String retryAfter, java.util.concurrent.atomic.AtomicInteger times) {
    }

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    private final Map<String, Integer> statusByPath = new ConcurrentHashMap<>();
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final Map<String, Long> delays = new ConcurrentHashMap<>();
    private final Map<String, String> bodies = new ConcurrentHashMap<>();
    private final ScheduledExecutorService later = Executors.newScheduledThreadPool(2);

    public WebhookSink() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = exchange.getRequestHeaders().entrySet().stream()
                    .collect(Collectors.toMap(e -> e.getKey().toLowerCase(), e -> String.join(",", e.getValue()), (a, b) -> a));
            String path = exchange.getRequestURI().toString();
            received.add(new Received(exchange.getRequestMethod(), path, headers, body, System.nanoTime()));
            int status = statusByPath.getOrDefault(exchange.getRequestURI().getPath(), 200);
            Script script = scripts.get(exchange.getRequestURI().getPath());
            if (script != null && script.times().getAndDecrement() > 0) {
                status = script.status();
                if (script.retryAfter() != null) {
                    exchange.getResponseHeaders().add("Retry-After", script.retryAfter());
                }
            }
            int answer = status;
            String answerBody = bodies.getOrDefault(exchange.getRequestURI().getPath(), "{\"ok\": true}");
            Long delay = delays.get(exchange.getRequestURI().getPath());
            // a slow target answers later, from another thread
            later.schedule(() -> respond(exchange, answer, answerBody), delay == null ? 0 : delay, TimeUnit.MILLISECONDS);
        });
        server.start();
    }

    /** The URL of {@code path} on this sink. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public void answer(String path, int status) {
        statusByPath.put(path, status);
    }

    /** Requests to {@code path} are answered with this JSON body (else {@code {"ok": true}}). */
    public void answerBody(String path, String json) {
        bodies.put(path, json);
    }

    /** Requests to {@code path} are answered after {@code millis}: a slow target. */
    public void slow(String path, long millis) {
        delays.put(path, millis);
    }

    /** The next {@code times} requests to {@code path} are answered {@code status}, then the usual answer. */
    public void failFirst(String path, int times, int status, String retryAfter) {
        scripts.put(path, new Script(status, retryAfter, new java.util.concurrent.atomic.AtomicInteger(times)));
    }

    public List<Received> at(String pathPrefix) {
        return received.stream().filter(r -> r.path().startsWith(pathPrefix)).toList();
    }

    private static void respond(com.sun.net.httpserver.HttpExchange exchange, int status, String body) {
        try {
            byte[] answer = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
        } catch (IOException e) {
            // the caller went away (a timeout): nothing to answer
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        later.shutdownNow();
    }
}
