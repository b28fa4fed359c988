package dev.triggerfish;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 requests written byte for byte, the request target sent exactly as given (no client
 * normalises {@code //api}, {@code /q/../api} or {@code %61pi} away), to a loopback port only.
 */
public final class RawHttp {
    /** The status code and the whole response (head and body). */
    public record Answer(int status, String text) {
        public boolean hasHeader(String name, String valuePart) {
            String head = text.split("\r\n\r\n", 2)[0].toLowerCase(java.util.Locale.ROOT);
            return head.contains("\r\n" + name.toLowerCase(java.util.Locale.ROOT) + ": ")
                    && (valuePart == null || head.contains(valuePart.toLowerCase(java.util.Locale.ROOT)));
        }

        public String body() {
            String[] parts = text.split("\r\n\r\n", 2);
            return parts.length > 1 ? parts[1] : "";
        }
    }

    private RawHttp() {
    }

    public static Answer send(int port, String method, String target, String headers, String body) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            StringBuilder request = new StringBuilder()
                    .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:").append(port).append("\r\n")
                    .append("Connection: close\r\n");
            if (headers != null && !headers.isEmpty()) {
                request.append(headers).append("\r\n");
            }
            if (body != null) {
                request.append("Content-Type: application/json\r\nContent-Length: ").append(payload.length).append("\r\n");
            }
            request.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(payload);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                answer.write(buffer, 0, n);
                if (complete(answer, method)) {
                    break;
                }
            }
            String text = answer.toString(StandardCharsets.UTF_8);
            int status = text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : -1;
            return new Answer(status, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the whole answer (as given by Content-Length) has arrived; the server may keep the socket. */
    private static boolean complete(ByteArrayOutputStream answer, String method) {
        String text = answer.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        if ("HEAD".equals(method)) {
            return true;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)\r\ncontent-length: *(\\d+)").matcher(text.substring(0, end));
        return m.find() && text.length() - end - 4 >= Integer.parseInt(m.group(1));
    }
}
