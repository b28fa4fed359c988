package dev.triggerfish;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's first run, as a new user does it: the packaged service started from a clean home
 * directory with nothing configured (no database, no API key). It starts its embedded PostgreSQL,
 * writes a key to {@code ~/.triggerfish/api-key}, and that key, and only that key, opens the API.
 */
class FirstRunIT {
    static final Path HOME = Path.of("target/first-run-it/home").toAbsolutePath();
    static final Path WORK = Path.of("target/first-run-it/work").toAbsolutePath();
    static Process service;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        clean(HOME.getParent());
        Files.createDirectories(HOME);
        Files.createDirectories(WORK);
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-Duser.home=" + HOME,
                "-jar", new File("target/quarkus-app/quarkus-run.jar").getAbsolutePath())
                .directory(WORK.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(HOME.getParent().resolve("service.log").toFile()));
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("TRIGGERFISH_") || k.startsWith("QUARKUS_"));
        env.put("HOME", HOME.toString());
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        // the one setting: metrics keyed as well (open by default), to see the configuration take effect
        env.put("TRIGGERFISH_API_OPERATIONS_POLICY", "authenticated");
        service = pb.start();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            assertTrue(service.isAlive(), "the service exited; see target/first-run-it/service.log");
            try {
                return RawHttp.send(port, "GET", "/q/health/ready", null, null).status() == 200;
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.destroy();
            if (!service.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
        }
    }

    @Test
    void theGeneratedKeyIsWhereTheReadmeLooksAndOpensTheApi() throws IOException {
        Path keyFile = HOME.resolve(".triggerfish/api-key");
        assertTrue(Files.isRegularFile(keyFile), "~/.triggerfish/api-key was written");
        assertFalse(Files.exists(WORK.resolve("${user.home}")), "no directory named after an unexpanded placeholder");
        assertTrue(Files.isDirectory(HOME.resolve(".triggerfish/pgdata")), "the embedded database keeps its data in ~/.triggerfish");
        String key = Files.readString(keyFile).trim();
        assertEquals(200, RawHttp.send(port, "GET", "/api/event-triggers", "Authorization: Bearer " + key, null).status());
        assertEquals(401, RawHttp.send(port, "GET", "/api/event-triggers", null, null).status());
        assertEquals(401, RawHttp.send(port, "GET", "/api/event-triggers", "Authorization: Bearer " + key + "x", null).status());
    }

    @Test
    void metricsCanBeKeyedByConfigurationWhileProbesStayOpen() throws IOException {
        String key = Files.readString(HOME.resolve(".triggerfish/api-key")).trim();
        assertEquals(401, RawHttp.send(port, "GET", "/q/metrics", null, null).status());
        assertEquals(401, RawHttp.send(port, "GET", "/q/openapi", null, null).status());
        assertEquals(200, RawHttp.send(port, "GET", "/q/metrics", "X-API-Key: " + key, null).status());
        assertEquals(200, RawHttp.send(port, "GET", "/q/health/live", null, null).status());
    }

    @Test
    void noSpellingOfAnApiPathGetsInWithoutAKey() {
        for (String target : new String[] {"//api/records/contacts", "/api;x/event-triggers", "/%61pi/records/contacts",
                "///api/event-triggers", "/./api/event-triggers", "/%2e/api/event-triggers", "/q/../api/event-triggers",
                "/q/health/../../api/event-triggers"}) {
            RawHttp.Answer answer = RawHttp.send(port, "GET", target, null, null);
            assertTrue(answer.status() == 401 || answer.status() == 400 || answer.status() == 404,
                    target + " answered " + answer.status() + ": " + answer.text());
            assertFalse(answer.body().contains("\"data\""), target + " leaked data: " + answer.text());
        }
    }

    @Test
    void theKeysCommandCreatesListsAndRevokesScopedKeys() throws Exception {
        String created = runCommand("keys", "create", "--name", "crm-sync", "--scope", "write");
        java.util.regex.Matcher key = java.util.regex.Pattern.compile("\"key\":\"(tfk_[0-9a-f]+)\"").matcher(created);
        assertTrue(key.find(), created);
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("\"id\":(\\d+)").matcher(created);
        assertTrue(id.find(), created);
        String auth = "Authorization: Bearer " + key.group(1);
        String trigger = "{\"name\": \"first\", \"trigger_type\": \"manual\", \"action_configuration\": {\"actions\": [{\"type\": \"add_tag\", \"tag\": \"x\"}]}}";
        assertEquals(201, RawHttp.send(port, "POST", "/api/event-triggers", auth, trigger).status());
        assertEquals(403, RawHttp.send(port, "GET", "/api/keys", auth, null).status(), "a write key manages no keys");
        String listed = runCommand("keys", "list");
        assertTrue(listed.contains("\"name\":\"crm-sync\"") && !listed.contains(key.group(1)), listed);
        runCommand("keys", "revoke", id.group(1));
        assertEquals(401, RawHttp.send(port, "GET", "/api/event-triggers", auth, null).status(), "revoked at once");
    }

    /** {@code ./run <args>} as a user types it, against the service started here. */
    static String runCommand(String... args) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("bash", "run"));
        command.addAll(java.util.List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("TRIGGERFISH_") || k.startsWith("QUARKUS_"));
        env.put("HOME", HOME.toString());
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        Process process = pb.start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the command ended");
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    static void clean(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
