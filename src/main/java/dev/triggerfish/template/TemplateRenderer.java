package dev.triggerfish.template;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.reflect.ReflectionObjectHandler;
import com.github.mustachejava.util.Wrapper;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders {@code {{…}}} templates with Mustache (mustache.java): {@code {{entity.name}}},
 * {@code {{entity.company.name}}}, {@code {{trigger_event}}}, {@code {{entity_type}}},
 * {@code {{entity_id}}}, and secrets ({@code {{api_token}}}, or {@code {slack_token}} with single
 * braces). Values are escaped for their destination; a missing value renders empty and is reported.
 */
@Singleton
public class TemplateRenderer {
    private static final Pattern SINGLE_BRACE = Pattern.compile("(?<!\\{)\\{([A-Za-z_][A-Za-z0-9_]*)}(?!})");
    private static final ThreadLocal<Set<String>> MISSING = new ThreadLocal<>();

    private final Secrets secrets;
    private final Map<Escaping, DefaultMustacheFactory> factories = new EnumMap<>(Escaping.class);

    public TemplateRenderer(Secrets secrets) {
        this.secrets = secrets;
        for (Escaping escaping : Escaping.values()) {
            DefaultMustacheFactory factory = new DefaultMustacheFactory() {
                @Override
                public void encode(String value, Writer writer) {
                    try {
                        writer.write(escaping.apply(value));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            };
            factory.setObjectHandler(new MissingValueHandler());
            factories.put(escaping, factory);
        }
    }

    public Secrets secrets() {
        return secrets;
    }

    /**
     * Renders {@code template} against {@code scope} (secrets are visible beneath it).
     *
     * @throws InvalidTemplate when the template does not parse
     */
    public Rendered render(String template, Map<String, Object> scope, Escaping escaping) {
        if (template == null || template.indexOf('{') < 0) {
            return new Rendered(template, Set.of());
        }
        String source = singleBraceSecrets(template);
        Mustache mustache;
        try {
            mustache = factories.get(escaping).compile(new StringReader(source), source);
        } catch (MustacheException e) {
            throw new InvalidTemplate(template, e.getMessage());
        }
        Map<String, Object> combined = new HashMap<>(secrets.values());
        combined.putAll(scope);
        Set<String> missing = new LinkedHashSet<>();
        MISSING.set(missing);
        try {
            StringWriter out = new StringWriter();
            mustache.execute(out, combined);
            return new Rendered(out.toString(), Set.copyOf(missing));
        } finally {
            MISSING.remove();
        }
    }

    /**
     * Renders every string leaf of a JSON value (objects, lists, scalars) as plain text; keys and
     * non-string leaves are kept. The result stays valid JSON whatever the values hold, because the
     * JSON encoder escapes each leaf.
     */
    public Object renderJson(Object value, Map<String, Object> scope, Set<String> missing) {
        if (value instanceof String s) {
            Rendered r = render(s, scope, Escaping.PLAIN);
            missing.addAll(r.missing());
            return r.text();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), renderJson(v, scope, missing)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(renderJson(v, scope, missing)));
            return out;
        }
        return value;
    }

    /** {@code {slack_token}} (single braces) is a secret reference when a secret of that name exists. */
    private String singleBraceSecrets(String template) {
        Matcher m = SINGLE_BRACE.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            m.appendReplacement(sb, Matcher.quoteReplacement(secrets.has(name) ? "{{" + name + "}}" : m.group()));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** Records, for the render in progress, every name that resolved to nothing. */
    private static final class MissingValueHandler extends ReflectionObjectHandler {
        @Override
        public Wrapper find(String name, List<Object> scopes) {
            Wrapper wrapper = super.find(name, scopes);
            return s -> {
                Object value = wrapper.call(s);
                Set<String> missing = MISSING.get();
                if (value == null && missing != null) {
                    missing.add(name);
                }
                return value;
            };
        }
    }
}
