package dev.triggerfish;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A real HTTP server playing another CRM's REST API over in-memory objects, in two dialects:
 * Salesforce's ({@code POST} a collection creates and answers its {@code id}; {@code PATCH …/<id>} changes
 * and answers 204; {@code PATCH …/<field>/<value>} upserts by an external id field) and HubSpot's
 * (fields wrapped in {@code properties}; a change answers 200 with the object). Like those APIs it does
 * not honour {@code Idempotency-Key}: a create sent twice makes two objects. Its next answers can be
 * scripted: an error status, or a slow answer given after the write was made.
 */
public final class ExternalCrm implements AutoCloseable {
    public static final String SALESFORCE = "/services/data/v59.0/sobjects/Contact";
    public static final String HUBSPOT = "/crm/v3/objects/contacts";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as received. Header names are lower case. */
    public record Received(String method, String path, Map<String, String> headers, String body) {
    }

    /** One object of a collection. */
    public record StoredObject(String collection, String id, Map<String, Object> fields) {
    }

    private record Script(int status, String retryAfter, String body, long delayMillis, AtomicInteger times) {
    }

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    private final Map<String, StoredObject> objects = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Script> scripts = new ConcurrentLinkedQueue<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final ScheduledExecutorService later = Executors.newScheduledThreadPool(2);

    public ExternalCrm() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", this::handle);
        server.start();
    }

    /** The server's root URL, without a trailing slash. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next {@code times} requests are answered {@code status} with {@code body} (and Retry-After when given), without a write. */
    public void failNext(int times, int status, String retryAfter, String body) {
        scripts.add(new Script(status, retryAfter, body, 0, new AtomicInteger(times)));
    }

    /** The next request is carried out, and answered after {@code millis}: a caller that gives up sooner never learns it worked. */
    public void slowNext(long millis) {
        scripts.add(new Script(0, null, null, millis, new AtomicInteger(1)));
    }

    public List<Received> at(String pathPrefix) {
        return received.stream().filter(r -> r.path().startsWith(pathPrefix)).toList();
    }

    /** The objects whose {@code field} is {@code value}. */
    public List<StoredObject> where(String field, Object value) {
        return objects.values().stream().filter(o -> Objects.equals(o.fields().get(field), value)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> headers = exchange.getRequestHeaders().entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey().toLowerCase(), e -> String.join(",", e.getValue()), (a, b) -> a));
        String path = exchange.getRequestURI().getRawPath();
        received.add(new Received(exchange.getRequestMethod(), path, headers, body));
        Script script = scripts.peek();
        if (script != null && script.times().decrementAndGet() <= 0) {
            scripts.poll();
        }
        if (script != null && script.status() != 0) {
            if (script.retryAfter() != null) {
                exchange.getResponseHeaders().add("Retry-After", script.retryAfter());
            }
            respond(exchange, script.status(), script.body());
            return;
        }
        int[] status = new int[1];
        String answer = write(exchange.getRequestMethod(), path, body, status);
        long delay = script == null ? 0 : script.delayMillis();
        later.schedule(() -> respond(exchange, status[0], answer), delay, TimeUnit.MILLISECONDS);
    }

    /** Carries out one request; returns the answer's body and sets its status. */
    private String write(String method, String path, String body, int[] status) throws IOException {
        String collection = path.startsWith(SALESFORCE) ? SALESFORCE : path.startsWith(HUBSPOT) ? HUBSPOT : null;
        if (collection == null) {
            status[0] = 404;
            return "{\"message\": \"no such collection\"}";
        }
        Map<String, Object> fields = body.isBlank() ? new LinkedHashMap<>() : fields(collection, body);
        String[] rest = path.substring(collection.length()).replaceAll("^/", "").split("/");
        if (method.equals("POST") && rest.length == 1 && rest[0].isEmpty()) {
            return created(collection, fields, status);
        }
        if ((method.equals("PATCH") || method.equals("PUT")) && rest.length == 1) {
            StoredObject object = objects.get(decode(rest[0]));
            if (object == null || !object.collection().equals(collection)) {
                status[0] = 404;
                return "[{\"errorCode\": \"NOT_FOUND\"}]";
            }
            object.fields().putAll(fields);
            status[0] = collection.equals(SALESFORCE) ? 204 : 200;
            return collection.equals(SALESFORCE) ? "" : JSON.writeValueAsString(Map.of("id", object.id(), "properties", object.fields()));
        }
        if (method.equals("PATCH") && rest.length == 2) {
            String field = decode(rest[0]);
            String value = decode(rest[1]);
            fields.put(field, value);
            synchronized (objects) {
                List<StoredObject> found = where(field, value).stream().filter(o -> o.collection().equals(collection)).toList();
                if (found.isEmpty()) {
                    return created(collection, fields, status);
                }
                found.get(0).fields().putAll(fields);
                status[0] = 200;
                return JSON.writeValueAsString(Map.of("id", found.get(0).id(), "created", false));
            }
        }
        status[0] = 405;
        return "{\"message\": \"not supported\"}";
    }

    private String created(String collection, Map<String, Object> fields, int[] status) throws IOException {
        String id = (collection.equals(SALESFORCE) ? "003" : "") + (1000 + ids.incrementAndGet());
        objects.put(id, new StoredObject(collection, id, new ConcurrentHashMap<>(fields)));
        status[0] = 201;
        return JSON.writeValueAsString(Map.of("id", id, "success", true));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> fields(String collection, String body) throws IOException {
        Map<String, Object> json = JSON.readValue(body, Map.class);
        return new LinkedHashMap<>(collection.equals(HUBSPOT) ? (Map<String, Object>) json.get("properties") : json);
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment, StandardCharsets.UTF_8);
    }

    private static void respond(HttpExchange exchange, int status, String body) {
        try {
            byte[] answer = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, status == 204 || answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0 && status != 204) {
                exchange.getResponseBody().write(answer);
            }
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
