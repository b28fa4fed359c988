package dev.triggerfish.api;

import dev.triggerfish.support.FieldError;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import jakarta.ws.rs.ext.Provider;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.List;
import java.util.function.Function;

/**
 * Whole-number query, path and header parameters. JAX-RS answers a query parameter that does not
 * parse ({@code page=NaN}) with a bare 404; here it is a 400 naming the parameter (a path parameter
 * that is not a number names nothing that exists: 404, also naming it).
 */
@Provider
public class NumericParameters implements ParamConverterProvider {

    @Override
    @SuppressWarnings("unchecked")
    public <T> ParamConverter<T> getConverter(Class<T> rawType, Type genericType, Annotation[] annotations) {
        if (rawType == Integer.class || rawType == int.class) {
            return (ParamConverter<T>) new Whole<>(annotations, Integer::valueOf);
        }
        if (rawType == Long.class || rawType == long.class) {
            return (ParamConverter<T>) new Whole<>(annotations, Long::valueOf);
        }
        return null;
    }

    /** {@code raw} as a whole number, refused as a query (400) or path (404) parameter {@code name} is (for pages that read text). */
    public static long wholeNumber(String name, String raw, boolean inPath) {
        try {
            return Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw notWhole(name, raw, inPath);
        }
    }

    private static ApiProblem notWhole(String name, String value, boolean path) {
        String message = "must be a whole number" + (value.trim().matches("[+-]?\\d+") ? " within range" : "")
                + ", was '" + (value.length() > 40 ? value.substring(0, 40) + "…" : value) + "'";
        if (path) {
            return new ApiProblem(404, "Not found", name + " " + message, List.of(new FieldError(name, message)));
        }
        return ApiProblem.badRequest(name, message);
    }

    private static final class Whole<N extends Number> implements ParamConverter<N> {
        private final String name;
        private final boolean path;
        private final Function<String, N> parse;

        Whole(Annotation[] annotations, Function<String, N> parse) {
            String found = "parameter";
            boolean inPath = false;
            for (Annotation a : annotations) {
                if (a instanceof QueryParam q) {
                    found = q.value();
                } else if (a instanceof RestQuery q && !q.value().isEmpty()) {
                    found = q.value();
                } else if (a instanceof PathParam p) {
                    found = p.value();
                    inPath = true;
                } else if (a instanceof RestPath p) {
                    found = p.value().isEmpty() ? found : p.value();
                    inPath = true;
                } else if (a instanceof HeaderParam h) {
                    found = h.value();
                }
            }
            this.name = found;
            this.path = inPath;
            this.parse = parse;
        }

        @Override
        public N fromString(String value) {
            if (value == null) {
                return null;
            }
            try {
                return parse.apply(value.trim());
            } catch (NumberFormatException e) {
                throw notWhole(name, value, path);
            }
        }

        @Override
        public String toString(N value) {
            return value == null ? null : value.toString();
        }
    }
}
