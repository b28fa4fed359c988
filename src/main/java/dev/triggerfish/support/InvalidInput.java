package dev.triggerfish.support;

import java.util.List;

/** Input that breaks the rules of what it describes, with every bad field and its JSON path (at least one). */
public class InvalidInput extends DomainFailure {
    private final String what;
    private final transient List<FieldError> errors;

    public InvalidInput(String what, List<FieldError> errors) {
        super(errors.size() + " invalid field(s): " + errors.get(0).path() + " " + errors.get(0).message()
                + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : ""));
        this.what = what;
        this.errors = List.copyOf(errors);
    }

    /** What the input describes: {@code trigger}, {@code record}, {@code user}… */
    public String what() {
        return what;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
