package dev.triggerfish;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Dockerfiles take what the build really produces (no Docker engine runs here, so the images are
 * checked against the packaged build instead of built): every file a COPY names exists after
 * {@code package} (the native executable: under the name the native build's arguments give it), the
 * port is the service's, the user is not root, and every setting in ENV is one the service reads.
 */
class ContainerImagesIT {

    @Test
    void theJvmImageCopiesThePackagedApplication() throws IOException {
        Dockerfile jvm = Dockerfile.read(Path.of("docker/Dockerfile.jvm"));
        assertFalse(jvm.copies().isEmpty());
        for (String source : jvm.copies()) {
            assertTrue(matches(source), source + " is not in the packaged build");
        }
        assertTrue(jvm.env().contains("JAVA_APP_JAR=/deployments/quarkus-run.jar"));
        assertTrue(Files.exists(Path.of("target/quarkus-app/quarkus-run.jar")));
        checkCommon(jvm);
    }

    @Test
    void theNativeImageCopiesTheExecutableTheNativeBuildNames() throws IOException {
        Dockerfile nativeImage = Dockerfile.read(Path.of("docker/Dockerfile.native"));
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("target/native-sources/native-image.args")),
                "the native build steps were skipped (-DskipNativeCheck)");
        List<String> args = Arrays.asList(Files.readString(Path.of("target/native-sources/native-image.args")).split("\\s+"));
        String executable = args.stream().filter(a -> a.endsWith("-runner")).findFirst().orElseThrow();
        assertEquals(1, nativeImage.copies().size());
        PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + nativeImage.copies().get(0));
        assertTrue(glob.matches(Path.of("target", executable)), nativeImage.copies().get(0) + " does not name " + executable);
        checkCommon(nativeImage);
    }

    private static void checkCommon(Dockerfile file) throws IOException {
        Properties app = new Properties();
        app.load(Files.newBufferedReader(Path.of("src/main/resources/application.properties")));
        assertEquals(app.getProperty("quarkus.http.port"), file.expose());
        assertFalse(Set.of("", "0", "root").contains(file.user()), "runs as a non-root user");
        Set<String> documented = DeploymentManifestsTest.documentedSettings();
        for (String env : file.env()) {
            String name = env.substring(0, env.indexOf('='));
            if (name.startsWith("TRIGGERFISH_") || name.startsWith("QUARKUS_")) {
                assertTrue(documented.contains(name), name + " is not a setting the service reads");
            }
        }
    }

    /** Whether a COPY source (relative to the project, maybe a glob, maybe a directory) names something the build made. */
    private static boolean matches(String source) throws IOException {
        String pattern = source.endsWith("/") ? source.substring(0, source.length() - 1) : source;
        PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        Path root = Path.of(pattern.contains("*") ? pattern.substring(0, pattern.lastIndexOf('/', pattern.indexOf('*'))) : pattern);
        if (!Files.exists(root)) {
            return false;
        }
        try (Stream<Path> found = Files.walk(root, 1)) {
            return found.anyMatch(p -> glob.matches(p) && (!source.endsWith("/") || Files.isDirectory(p)));
        }
    }

    /** The instructions of a Dockerfile this test looks at. */
    record Dockerfile(List<String> copies, List<String> env, String expose, String user) {
        private static final Pattern ENV_PAIR = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|'[^']*'|\\S+)");

        static Dockerfile read(Path path) throws IOException {
            List<String> copies = new ArrayList<>();
            List<String> env = new ArrayList<>();
            String expose = "";
            String user = "";
            String joined = Files.readString(path).replaceAll("\\\\\\r?\\n", " ");
            for (String line : joined.split("\\r?\\n")) {
                String[] words = line.trim().split("\\s+");
                switch (words[0].toUpperCase()) {
                    case "COPY" -> {
                        List<String> operands = Arrays.stream(words).skip(1).filter(w -> !w.startsWith("--")).toList();
                        copies.addAll(operands.subList(0, operands.size() - 1));
                    }
                    case "ENV" -> {
                        Matcher m = ENV_PAIR.matcher(line.trim().substring(3));
                        while (m.find()) {
                            env.add(m.group(1) + "=" + m.group(2).replaceAll("^[\"']|[\"']$", ""));
                        }
                    }
                    case "EXPOSE" -> expose = words[1];
                    case "USER" -> user = words[1];
                    default -> {
                    }
                }
            }
            return new Dockerfile(copies, env, expose, user);
        }
    }
}
