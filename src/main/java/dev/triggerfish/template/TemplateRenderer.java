package dev.triggerfish.template;

import com.github.mustachejava.Binding;
import com.github.mustachejava.Code;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.DefaultMustacheVisitor;
import com.github.mustachejava.Iteration;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.MustacheVisitor;
import com.github.mustachejava.TemplateContext;
import com.github.mustachejava.reflect.SimpleObjectHandler;
import com.github.mustachejava.util.Wrapper;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.StringReader;
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
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders {@code {{…}}} templates with Mustache (mustache.java): {@code {{entity.name}}},
 * {@code {{entity.company.name}}}, {@code {{trigger_event}}}, {@code {{entity_type}}},
 * {@code {{entity_id}}}, and secrets ({@code {{api_token}}}, or {@code {slack_token}} with single
 * braces). Values are escaped for their destination; a missing value renders empty and is reported.
 *
 * <p>Templates are written by API users, so they reach nothing but the values given to them: no
 * partials ({@code {{>file}}}) or parent templates ({@code {{<file}}}), which would read files or
 * classpath resources; no pragmas, no delimiter changes; names are looked up in maps only (no method
 * or field of any object is ever called). A render is bounded in characters, iterations and time.
 */
@Singleton
public class TemplateRenderer {
    private static final Pattern SINGLE_BRACE = Pattern.compile("(?<!\\{)\\{([A-Za-z_][A-Za-z0-9_]*)}(?!})");
    private static final Pattern POSITION = Pattern.compile(" @\\[template:(\\d+)]");
    private static final ThreadLocal<Render> CURRENT = new ThreadLocal<>();

    private final Secrets secrets;
    private final TemplateLimits limits;
    private final Map<Escaping, DefaultMustacheFactory> factories = new EnumMap<>(Escaping.class);

    public TemplateRenderer(Secrets secrets) {
        this(secrets, TemplateLimits.DEFAULT);
    }

    @Inject
    public TemplateRenderer(Secrets secrets, TemplateConfig config) {
        this(secrets, TemplateLimits.of(config));
    }

    public TemplateRenderer(Secrets secrets, TemplateLimits limits) {
        this.secrets = secrets;
        this.limits = limits;
        for (Escaping escaping : Escaping.values()) {
            factories.put(escaping, new UserTemplates(escaping, null));
        }
    }

    public Secrets secrets() {
        return secrets;
    }

    /** Renders {@code template} against {@code scope}, with the secrets visible beneath it. */
    public Rendered render(String template, Map<String, Object> scope, Escaping escaping) {
        return render(template, scope, escaping, true);
    }

    /**
     * Renders {@code template} against {@code scope}; the secrets are visible beneath it only when
     * {@code withSecrets}.
     *
     * @throws InvalidTemplate        when the template does not parse or asks for what templates may not do
     * @throws TemplateLimitExceeded  when the render goes past its bounds
     */
    public Rendered render(String template, Map<String, Object> scope, Escaping escaping, boolean withSecrets) {
        if (template == null || template.indexOf('{') < 0) {
            return new Rendered(template, Set.of());
        }
        String source = withSecrets ? singleBraceSecrets(template, secrets::has) : template;
        Mustache mustache = compile(factories.get(escaping), source, template);
        Map<String, Object> combined = scope;
        if (withSecrets) {
            combined = new HashMap<>(secrets.values());
            combined.putAll(scope);
        }
        Render render = new Render(limits);
        CURRENT.set(render);
        try {
            BoundedWriter out = new BoundedWriter(render);
            mustache.execute(out, combined);
            return new Rendered(out.toString(), Set.copyOf(render.missing));
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof TemplateLimitExceeded limit) {
                    throw limit;
                }
            }
            throw new InvalidTemplate(template, "cannot be rendered: " + reason(e));
        } finally {
            CURRENT.remove();
        }
    }

    /** Renders every string leaf of a JSON value, secrets visible. */
    public Object renderJson(Object value, Map<String, Object> scope, Set<String> missing) {
        return renderJson(value, scope, missing, true);
    }

    /**
     * Renders every string leaf of a JSON value (objects, lists, scalars) as plain text; keys and
     * non-string leaves are kept. The result stays valid JSON whatever the values hold, because the
     * JSON encoder escapes each leaf.
     */
    public Object renderJson(Object value, Map<String, Object> scope, Set<String> missing, boolean withSecrets) {
        if (value instanceof String s) {
            Rendered r = render(s, scope, Escaping.PLAIN, withSecrets);
            missing.addAll(r.missing());
            return r.text();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), renderJson(v, scope, missing, withSecrets)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(renderJson(v, scope, missing, withSecrets)));
            return out;
        }
        return value;
    }

    /**
     * Checks a template as a trigger is saved: it must parse, and ask for nothing templates may not do.
     * Returns the names it refers to ({@code entity.name}, {@code api_token}); {@code {name}} with
     * single braces counts as {@code {{name}}} when {@code isSecret} says it names a secret.
     *
     * @throws InvalidTemplate with the reason
     */
    public static Set<String> check(String template, Predicate<String> isSecret) {
        if (template == null || template.indexOf('{') < 0) {
            return Set.of();
        }
        Set<String> names = new LinkedHashSet<>();
        compile(new UserTemplates(Escaping.PLAIN, names), singleBraceSecrets(template, isSecret), template);
        return names;
    }

    private static Mustache compile(DefaultMustacheFactory factory, String source, String template) {
        try {
            return factory.compile(new StringReader(source), "template");
        } catch (RuntimeException e) {
            throw new InvalidTemplate(template, reason(e));
        }
    }

    private static String reason(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return POSITION.matcher(message).replaceAll(" (line $1)");
    }

    /** {@code {slack_token}} (single braces) is a secret reference when a secret of that name exists. */
    private static String singleBraceSecrets(String template, Predicate<String> isSecret) {
        if (template.indexOf('{') < 0) {
            return template;
        }
        Matcher m = SINGLE_BRACE.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            m.appendReplacement(sb, Matcher.quoteReplacement(isSecret.test(name) ? "{{" + name + "}}" : m.group()));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** The state of the render in progress on this thread: names without a value, and what is left of its bounds. */
    private static final class Render {
        final Set<String> missing = new LinkedHashSet<>();
        final TemplateLimits limits;
        final long deadline;
        int iterations;

        Render(TemplateLimits limits) {
            this.limits = limits;
            this.deadline = System.nanoTime() + limits.maxTime().toNanos();
        }

        void iteration() {
            if (++iterations > limits.maxIterations()) {
                throw new TemplateLimitExceeded("the template runs more than " + limits.maxIterations()
                        + " section iterations (triggerfish.template.max-iterations)");
            }
            checkTime();
        }

        void checkTime() {
            if (System.nanoTime() - deadline > 0) {
                throw new TemplateLimitExceeded("the template takes longer than " + limits.maxTime().toMillis()
                        + " ms to render (triggerfish.template.max-render-time)");
            }
        }
    }

    /** Collects the rendered text, and stops the render once it is longer than allowed. */
    private static final class BoundedWriter extends Writer {
        private final StringBuilder text = new StringBuilder();
        private final Render render;

        BoundedWriter(Render render) {
            this.render = render;
        }

        @Override
        public void write(char[] chars, int offset, int length) {
            room(length);
            text.append(chars, offset, length);
        }

        @Override
        public void write(String s, int offset, int length) {
            room(length);
            text.append(s, offset, offset + length);
        }

        private void room(int length) {
            if (text.length() + (long) length > render.limits.maxChars()) {
                throw new TemplateLimitExceeded("the template renders more than " + render.limits.maxChars()
                        + " characters (triggerfish.template.max-rendered-chars)");
            }
            render.checkTime();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }

    /**
     * The Mustache factory of user templates: no partials or parent templates (the resolver refuses
     * every name as well, should anything ask it), no pragmas, no delimiter changes, values looked up
     * in maps only, escaped for where they land.
     */
    private static final class UserTemplates extends DefaultMustacheFactory {
        private final Escaping escaping;
        /** When checking: every name the template refers to. */
        private final Set<String> names;

        UserTemplates(Escaping escaping, Set<String> names) {
            super(name -> {
                throw new MustacheException("templates cannot load '" + name + "'");
            });
            this.escaping = escaping;
            this.names = names;
            mc.setAllowChangingDelimeters(false);
            setObjectHandler(new MapsOnly());
        }

        @Override
        public void encode(String value, Writer writer) {
            try {
                writer.write(escaping.apply(value));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public MustacheVisitor createMustacheVisitor() {
            return new DefaultMustacheVisitor(this) {
                @Override
                public void partial(TemplateContext tc, String variable, String indent) {
                    throw new MustacheException("partials are not allowed in templates: {{>" + variable + "}}");
                }

                @Override
                public void dynamicPartial(TemplateContext tc, String variable, String indent) {
                    throw new MustacheException("partials are not allowed in templates: {{>" + variable + "}}");
                }

                @Override
                public void extend(TemplateContext tc, String variable, Mustache mustache) {
                    throw new MustacheException("parent templates are not allowed in templates: {{<" + variable + "}}");
                }

                @Override
                public void pragma(TemplateContext tc, String pragma, String args) {
                    throw new MustacheException("pragmas are not allowed in templates: {{%" + pragma + "}}");
                }

                @Override
                public void value(TemplateContext tc, String variable, boolean encoded) {
                    note(variable);
                    // {{{x}}} and {{&x}} write as is, except where that would break out of a header or an HTML body
                    super.value(tc, variable, encoded || escaping == Escaping.HEADER || escaping == Escaping.HTML);
                }

                @Override
                public void iterable(TemplateContext tc, String variable, Mustache mustache) {
                    note(variable);
                    super.iterable(tc, variable, mustache);
                }

                @Override
                public void notIterable(TemplateContext tc, String variable, Mustache mustache) {
                    note(variable);
                    super.notIterable(tc, variable, mustache);
                }
            };
        }

        private void note(String variable) {
            if (names != null) {
                names.add(variable);
            }
        }
    }

    /**
     * Looks names up in maps (the scope, records, JSON objects) and nowhere else, so a template cannot
     * call {@code getClass} or any other method; counts section iterations and records every name that
     * resolved to nothing.
     */
    private static final class MapsOnly extends SimpleObjectHandler {
        @Override
        public Object get(String name, Object scope) {
            if (scope instanceof Map<?, ?> map && map.containsKey(name)) {
                Object value = map.get(name);
                return value instanceof Function<?, ?> || value instanceof Callable<?> ? null : value;
            }
            return NOT_FOUND;
        }

        @Override
        public Binding createBinding(String name, TemplateContext tc, Code code) {
            Wrapper wrapper = find(name, null);
            return scopes -> {
                Object value = wrapper.call(scopes);
                Render render = CURRENT.get();
                if (value == null && render != null) {
                    render.missing.add(name);
                }
                return value;
            };
        }

        @Override
        public Writer iterate(Iteration iteration, Writer writer, Object object, List<Object> scopes) {
            return super.iterate(counted(iteration), writer, object, scopes);
        }

        @Override
        public Writer falsey(Iteration iteration, Writer writer, Object object, List<Object> scopes) {
            return super.falsey(counted(iteration), writer, object, scopes);
        }

        private static Iteration counted(Iteration iteration) {
            return (writer, next, scopes) -> {
                Render render = CURRENT.get();
                if (render != null) {
                    render.iteration();
                }
                return iteration.next(writer, next, scopes);
            };
        }
    }
}
