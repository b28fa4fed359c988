package dev.triggerfish;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every {@code triggerfish.*} setting is declared by one {@code @ConfigMapping} interface of its
 * capability, is read by something, and has its default written exactly once: in the mapping
 * ({@code @WithDefault}), or, for a key that an expression reads ({@code @Scheduled(every = "${…}")},
 * a Quarkus setting), in application.properties and nowhere else.
 */
class ConfigKeysTest {
    private static final Path MAIN = Path.of("src/main/java");
    private static final Path PROPERTIES = Path.of("src/main/resources/application.properties");

    /** Keys outside any mapping, with what reads them. */
    private static final Map<String, String> UNMAPPED = Map.of(
            "triggerfish.data-dir", "DataDirectory: read before Quarkus starts (the embedded database lives there)",
            "triggerfish.embedded-postgres.", "EmbeddedDatabase: read before Quarkus starts",
            "triggerfish.secret.", "Secrets: a map of secret names, read by name");

    private static final Pattern SCHEDULED = Pattern.compile("@(?:io\\.quarkus\\.scheduler\\.)?Scheduled\\(([^)]*)\\)");
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([a-z0-9.\\-]+)(:[^}]*)?}");

    private static final Pattern README_ROW = Pattern.compile("^\\| `(triggerfish\\.[a-z0-9.\\-<>]+)` \\| ([^|]*) \\|", Pattern.MULTILINE);

    /** The segment that stands for any name in the keys of a map of groups ({@code triggerfish.integrations.<name>.base-url}). */
    private static final String NAMED = "<name>";

    private record Key(String name, String defaultValue, boolean optional, String method) {
        boolean hasDefault() {
            return defaultValue != null;
        }
    }

    @Test
    void everySettingInApplicationPropertiesIsDeclaredByAMapping() throws IOException {
        Map<String, Key> mapped = mappedKeys();
        List<String> undeclared = new ArrayList<>();
        for (String key : properties().stringPropertyNames()) {
            String name = key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key;
            if (name.startsWith("triggerfish.") && !mapped.containsKey(name) && !isNamedKey(mapped, name) && unmappedReader(name).isEmpty()) {
                undeclared.add(key);
            }
        }
        assertEquals(List.of(), undeclared, "settings no @ConfigMapping declares (nothing typed reads them)");
    }

    @Test
    void everyDefaultIsWrittenOnce() throws IOException {
        Map<String, Key> mapped = mappedKeys();
        Properties properties = properties();
        List<String> twice = new ArrayList<>();
        List<String> none = new ArrayList<>();
        for (Key key : mapped.values()) {
            boolean inProperties = properties.containsKey(key.name());
            if (key.hasDefault() && inProperties) {
                twice.add(key.name() + " (@WithDefault on " + key.method() + " and application.properties)");
            }
            if (!key.hasDefault() && !key.optional() && !inProperties && !key.name().contains(NAMED)) { // required once a name is configured
                none.add(key.name() + " (" + key.method() + ")");
            }
        }
        assertEquals(List.of(), twice, "defaults written twice");
        assertEquals(List.of(), none, "required settings without a default: the service would not start without them");
    }

    @Test
    void noExpressionRepeatsADefault() throws IOException {
        List<String> inline = new ArrayList<>();
        for (Path file : javaFiles()) {
            Matcher annotation = SCHEDULED.matcher(Files.readString(file));
            while (annotation.find()) {
                Matcher expression = EXPRESSION.matcher(annotation.group(1));
                while (expression.find()) {
                    if (expression.group(2) != null) {
                        inline.add(MAIN.relativize(file) + ": " + expression.group());
                    }
                }
            }
        }
        Matcher expression = EXPRESSION.matcher(Files.readString(PROPERTIES));
        while (expression.find()) {
            if (expression.group(1).startsWith("triggerfish.") && expression.group(2) != null) {
                inline.add("application.properties: " + expression.group());
            }
        }
        assertEquals(List.of(), inline, "@Scheduled or property expressions with an inline default (write it in application.properties)");
    }

    @Test
    void everyMappedKeyIsRead() throws IOException {
        StringBuilder code = new StringBuilder();
        for (Path file : javaFiles()) {
            String text = Files.readString(file);
            if (!text.contains("@ConfigMapping(")) {
                code.append(text).append('\n');
            }
        }
        code.append(Files.readString(PROPERTIES));
        Set<String> inExpressions = new java.util.HashSet<>();
        Matcher expression = EXPRESSION.matcher(code);
        while (expression.find()) {
            inExpressions.add(expression.group(1));
        }
        List<String> unread = new ArrayList<>();
        for (Key key : mappedKeys().values()) {
            String method = key.method().substring(key.method().indexOf('#') + 1);
            if (!inExpressions.contains(key.name()) && !code.toString().contains("." + method + "()")) {
                unread.add(key.name() + " (" + key.method() + ")");
            }
        }
        assertEquals(List.of(), unread, "mapped settings that no code and no expression reads");
    }

    @Test
    void everyMappedSettingIsInTheReadmeWithItsDefault() throws IOException {
        Map<String, String> documented = new TreeMap<>();
        Matcher row = README_ROW.matcher(Files.readString(Path.of("README.md")));
        while (row.find()) {
            documented.put(row.group(1), row.group(2).trim());
        }
        Properties properties = properties();
        List<String> wrong = new ArrayList<>();
        for (Key key : mappedKeys().values()) {
            String readme = documented.remove(key.name());
            String actual = key.hasDefault() ? key.defaultValue() : properties.getProperty(key.name());
            if (readme == null) {
                wrong.add(key.name() + " is not in the README's configuration table");
            } else if (actual != null && !readme.equals("`" + actual + "`")) {
                wrong.add(key.name() + ": the README says " + readme + ", the default is " + actual);
            }
        }
        documented.keySet().removeIf(name -> unmappedReader(name).isPresent());
        documented.keySet().forEach(name -> wrong.add(name + " is in the README, but no mapping declares it"));
        assertEquals(List.of(), wrong);
    }

    /** Every key of every {@code @ConfigMapping} interface under src/main/java, by name. */
    private static Map<String, Key> mappedKeys() throws IOException {
        Map<String, Key> keys = new TreeMap<>();
        for (Path file : javaFiles()) {
            if (Files.readString(file).contains("@ConfigMapping(")) {
                String className = MAIN.relativize(file).toString().replace('/', '.').replaceAll("\\.java$", "");
                Class<?> mapping = load(className);
                collect(mapping, mapping.getAnnotation(ConfigMapping.class).prefix(), keys);
            }
        }
        return keys;
    }

    private static void collect(Class<?> group, String prefix, Map<String, Key> keys) {
        for (Method method : group.getDeclaredMethods()) {
            if (Modifier.isStatic(method.getModifiers()) || method.isDefault() || method.isSynthetic()) {
                continue;
            }
            WithName rename = method.getAnnotation(WithName.class);
            String name = method.isAnnotationPresent(WithParentName.class) ? prefix
                    : prefix + "." + (rename != null ? rename.value() : kebab(method.getName()));
            Class<?> type = method.getReturnType();
            Class<?> named = type == Map.class && method.getGenericReturnType() instanceof ParameterizedType map
                    && map.getActualTypeArguments()[1] instanceof Class<?> valueType && valueType.getName().startsWith("dev.triggerfish.") ? valueType : null;
            if (named != null) {
                collect(named, name + "." + NAMED, keys);
            } else if (type.isInterface() && type.getName().startsWith("dev.triggerfish.")) {
                collect(type, name, keys);
            } else {
                WithDefault value = method.getAnnotation(WithDefault.class);
                keys.put(name, new Key(name, value == null ? null : value.value(), type == Optional.class,
                        group.getSimpleName() + "#" + method.getName()));
            }
        }
    }

    /** Whether {@code name} is a key of a map of groups with some name in place of {@value #NAMED}. */
    private static boolean isNamedKey(Map<String, Key> mapped, String name) {
        return mapped.keySet().stream().filter(key -> key.contains(NAMED))
                .anyMatch(key -> name.matches(Pattern.quote(key).replace(NAMED, "\\E[^.]+\\Q")));
    }

    private static Optional<String> unmappedReader(String name) {
        return UNMAPPED.entrySet().stream()
                .filter(e -> e.getKey().endsWith(".") ? name.startsWith(e.getKey()) : name.equals(e.getKey()))
                .map(Map.Entry::getValue)
                .findFirst();
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, ConfigKeysTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AssertionError(name + " is not compiled", e);
        }
    }

    private static List<Path> javaFiles() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
    }

    private static Properties properties() throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(PROPERTIES)) {
            properties.load(reader);
        }
        return properties;
    }
}
