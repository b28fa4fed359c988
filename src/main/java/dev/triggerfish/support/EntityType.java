package dev.triggerfish.support;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The canonical name of a CRM record type. The spec writes {@code App\Models\Contact}; users also write
 * {@code Contact}, {@code contact} or {@code contacts}. All of them name the type {@code contact}:
 * the last namespace segment, lower-cased, with a plural ending removed
 * ({@code companies} → {@code company}, {@code deals} → {@code deal}, {@code addresses} → {@code address}).
 */
public final class EntityType {
    private static final Pattern VALID = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\\\[A-Za-z_][A-Za-z0-9_]*)*");

    private EntityType() {
    }

    /** True when {@code written} is a type name or a namespaced class name. */
    public static boolean isValid(String written) {
        return written != null && written.length() <= 200 && VALID.matcher(written).matches();
    }

    /** The canonical type for {@code written}; call {@link #isValid} first. */
    public static String canonical(String written) {
        String name = written.substring(written.lastIndexOf('\\') + 1).toLowerCase(Locale.ROOT);
        return singular(name);
    }

    private static String singular(String name) {
        if (name.length() > 3 && name.endsWith("ies")) {
            return name.substring(0, name.length() - 3) + "y";
        }
        if (name.length() > 3 && (name.endsWith("sses") || name.endsWith("xes") || name.endsWith("ches") || name.endsWith("shes"))) {
            return name.substring(0, name.length() - 2);
        }
        if (name.length() > 1 && name.endsWith("s") && !name.endsWith("ss") && !name.endsWith("us")) {
            return name.substring(0, name.length() - 1);
        }
        return name;
    }
}
