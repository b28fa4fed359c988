package dev.triggerfish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kustomize overlay renders, and what it deploys matches what the service serves and reads:
 * the HTTP port, the health endpoints of the probes, the settings it is given (documented keys only),
 * a shutdown deadline shorter than the pod's grace period, a non-root read-only container.
 */
class DeploymentManifestsTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void overlayMatchesTheService(String overlay) throws Exception {
        List<JsonNode> objects = render(overlay);
        Set<String> kinds = new HashSet<>();
        objects.forEach(o -> kinds.add(o.path("kind").asText()));
        assertEquals(Set.of("ConfigMap", "Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "ServiceMonitor", "PrometheusRule"), kinds);

        Properties app = new Properties();
        app.load(Files.newBufferedReader(Path.of("src/main/resources/application.properties")));
        JsonNode deployment = only(objects, "Deployment");
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        JsonNode container = pod.path("containers").get(0);
        assertTrue(deployment.path("spec").path("replicas").asInt() >= 2, "several replicas");
        assertEquals(Integer.parseInt(app.getProperty("quarkus.http.port")), container.path("ports").get(0).path("containerPort").asInt());
        assertEquals("/q/health/live", container.path("livenessProbe").path("httpGet").path("path").asText());
        assertEquals("/q/health/ready", container.path("readinessProbe").path("httpGet").path("path").asText());
        assertEquals("/q/health/started", container.path("startupProbe").path("httpGet").path("path").asText());
        assertTrue(container.path("resources").path("requests").has("memory"));
        assertTrue(pod.path("securityContext").path("runAsNonRoot").asBoolean());
        assertTrue(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean());
        long shutdown = Duration.parse("PT" + app.getProperty("quarkus.shutdown.timeout").toUpperCase(Locale.ROOT)).toSeconds();
        assertTrue(pod.path("terminationGracePeriodSeconds").asLong() > shutdown, "the pod outlives the service's shutdown deadline");

        Set<String> documented = documentedSettings();
        List<String> names = new ArrayList<>();
        only(objects, "ConfigMap").path("data").fieldNames().forEachRemaining(names::add);
        container.path("env").forEach(e -> names.add(e.path("name").asText()));
        for (String name : names) {
            assertTrue(documented.contains(name) || name.startsWith("TRIGGERFISH_SECRET_"), name + " is not a setting the service reads");
        }
        assertTrue(container.path("envFrom").get(0).path("configMapRef").path("name").asText().startsWith("triggerfish"));
        JsonNode service = only(objects, "Service");
        assertEquals("http", service.path("spec").path("ports").get(0).path("targetPort").asText());
        assertEquals("/q/metrics", only(objects, "ServiceMonitor").path("spec").path("endpoints").get(0).path("path").asText());

        // an alert on a metric the service does not export would never fire: each one a rule names is in the README's list
        Set<String> metrics = documentedMetrics();
        List<String> rules = new ArrayList<>();
        only(objects, "PrometheusRule").path("spec").path("groups").forEach(g -> g.path("rules").forEach(r -> rules.add(r.path("expr").asText())));
        assertTrue(rules.size() >= 4, "failure rate, backlog, dead letters, late slots");
        for (String expr : rules) {
            Matcher m = Pattern.compile("triggerfish_[a-z_]+").matcher(expr);
            assertTrue(m.find(), expr);
            do {
                assertTrue(metrics.contains(m.group()), m.group() + " (in an alert) is not a metric the README lists");
            } while (m.find());
        }
    }

    /** The metric names of the README's metrics table (a histogram's or counter's name as Prometheus shows it). */
    static Set<String> documentedMetrics() throws IOException {
        Set<String> names = new HashSet<>();
        Matcher m = Pattern.compile("`(triggerfish_[a-z_]+)`").matcher(Files.readString(Path.of("README.md")));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** The environment names of the settings in the README's configuration table. */
    static Set<String> documentedSettings() throws IOException {
        Set<String> names = new HashSet<>();
        Matcher m = Pattern.compile("^\\| `([a-z][a-z0-9.\\-]+)`", Pattern.MULTILINE).matcher(Files.readString(Path.of("README.md")));
        while (m.find()) {
            names.add(m.group(1).toUpperCase(Locale.ROOT).replaceAll("[.\\-]", "_"));
        }
        names.add("QUARKUS_DATASOURCE_USERNAME");
        names.add("QUARKUS_DATASOURCE_PASSWORD");
        return names;
    }

    static JsonNode only(List<JsonNode> objects, String kind) {
        List<JsonNode> found = objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
        assertEquals(1, found.size(), kind);
        return found.get(0);
    }

    /** {@code kubectl kustomize} of the overlay (kubectl is on the build machines). */
    static List<JsonNode> render(String overlay) throws Exception {
        Process p = new ProcessBuilder("kubectl", "kustomize", "k8s/overlays/" + overlay).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize timed out");
        assertEquals(0, p.exitValue(), out);
        List<JsonNode> objects = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(out)) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(objects::add);
        }
        return objects;
    }

}
