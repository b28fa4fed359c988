package dev.triggerfish.action;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpServer;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.security.cert.CertificateException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pinned webhook request over TLS to a loopback server whose certificate is for
 * {@code hooks.example.invalid}: the connection goes to the checked address (the name is never looked
 * up: {@code .invalid} never resolves), and the name is still the SNI, the Host header and what the
 * certificate is verified against.
 */
class PinnedConnectionTest {
    static final Duration DEADLINE = Duration.ofSeconds(10);
    static Vertx vertx;
    static HttpServer server;
    static WebClient client;
    static InetAddress loopback;

    static byte[] resource(String name) {
        try (InputStream in = PinnedConnectionTest.class.getResourceAsStream("/tls/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        server = vertx.createHttpServer(new HttpServerOptions()
                        .setSsl(true)
                        .setSni(true)
                        .setKeyCertOptions(new PfxOptions().setValue(io.vertx.core.buffer.Buffer.buffer(resource("hooks.p12"))).setPassword("changeit")))
                .requestHandler(request -> request.response()
                        .endAndForget(request.connection().indicatedServerName() + " " + request.getHeader("Host") + " " + request.uri()))
                .listen(0, "127.0.0.1")
                .await().atMost(DEADLINE);
        client = WebClient.create(vertx, new WebClientOptions()
                .setTrustOptions(new PemTrustOptions().addCertValue(io.vertx.core.buffer.Buffer.buffer(resource("hooks.pem")))));
    }

    @AfterAll
    static void stop() {
        client.close();
        server.closeAndAwait();
        vertx.closeAndAwait();
    }

    static WebhookTarget url(String host, String path) {
        return new WebhookTarget(URI.create("https://" + host + ":" + server.actualPort() + path));
    }

    @Test
    void theCallGoesToTheCheckedAddressWithTheNameAsSniHostAndCertificateName() {
        HttpResponse<Buffer> response = url("hooks.example.invalid", "/tls?a=1").pinned(client, HttpMethod.GET, loopback)
                .send().await().atMost(DEADLINE);
        assertEquals(200, response.statusCode());
        assertEquals("hooks.example.invalid hooks.example.invalid:" + server.actualPort() + " /tls?a=1", response.bodyAsString());
    }

    @Test
    void aCertificateForAnotherNameIsRefusedThoughTheAddressIsTheSame() {
        // a DNS answer that pointed other.example.invalid at this server would not pass for it
        Exception e = assertThrows(Exception.class,
                () -> url("other.example.invalid", "/tls").pinned(client, HttpMethod.GET, loopback).send().await().atMost(DEADLINE));
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        assertTrue(root instanceof CertificateException && root.getMessage().contains("other.example.invalid"), root.toString());
    }
}
