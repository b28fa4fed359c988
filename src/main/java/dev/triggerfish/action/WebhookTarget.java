package dev.triggerfish.action;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.net.SocketAddress;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.WebClient;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Locale;

/** Where a webhook goes, as its URL says: the host (IPv6 in brackets), the port, the path and query. */
record WebhookTarget(URI uri) {

    /**
     * What is wrong with an http(s) URL whatever its host resolves to, or null: said of the URL
     * ("has no host"). A numeric host in a non-canonical spelling is refused here, whatever the guard
     * settings.
     */
    static String problem(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "must be an absolute http or https URL";
        }
        String host = hostOf(uri);
        if (host == null || host.isEmpty()) {
            return "has no host";
        }
        String misspelled = OutboundGuard.misspelledNumber(host);
        if (misspelled != null) {
            return misspelled;
        }
        return uri.getHost() == null ? "has no valid host" : null;
    }

    /** The host as written, also where {@link URI} finds no server-based host ({@code 127.1}, {@code 0x7f.1}). */
    static String hostOf(URI uri) {
        if (uri.getHost() != null) {
            return uri.getHost();
        }
        String authority = uri.getRawAuthority();
        if (authority == null) {
            return null;
        }
        String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
        if (hostPort.startsWith("[")) {
            int end = hostPort.indexOf(']');
            return end < 0 ? hostPort : hostPort.substring(0, end + 1);
        }
        int colon = hostPort.lastIndexOf(':');
        return colon >= 0 ? hostPort.substring(0, colon) : hostPort;
    }

    String host() {
        return uri.getHost();
    }

    int port() {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** {@code host:port} in lower case, e.g. {@code hooks.slack.com:443}: the unit of fault tolerance. */
    String key() {
        return host().toLowerCase(Locale.ROOT) + ":" + port();
    }

    String pathAndQuery() {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    /**
     * A request to this target that connects to exactly {@code address} (no lookup of its own), while
     * the URL's host stays the Host header, the TLS SNI and the name the server's certificate must match.
     */
    HttpRequest<Buffer> pinned(WebClient client, HttpMethod method, InetAddress address) {
        SocketAddress server = SocketAddress.inetSocketAddress(new InetSocketAddress(address, port()));
        return client.request(method, server, new RequestOptions()
                .setHost(host())
                .setPort(port())
                .setURI(pathAndQuery())
                .setSsl("https".equalsIgnoreCase(uri.getScheme())));
    }
}
