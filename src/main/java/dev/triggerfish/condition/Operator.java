package dev.triggerfish.condition;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The condition operators of the spec and DESIGN.md, with the wire name each is written as. */
public enum Operator {
    EQUALS("equals", Operand.SCALAR),
    NOT_EQUALS("not_equals", Operand.SCALAR),
    GREATER_THAN("greater_than", Operand.SCALAR),
    GREATER_THAN_OR_EQUAL("greater_than_or_equal", Operand.SCALAR),
    LESS_THAN("less_than", Operand.SCALAR),
    LESS_THAN_OR_EQUAL("less_than_or_equal", Operand.SCALAR),
    IN("in", Operand.LIST),
    NOT_IN("not_in", Operand.LIST),
    CONTAINS("contains", Operand.SCALAR),
    NOT_CONTAINS("not_contains", Operand.SCALAR),
    STARTS_WITH("starts_with", Operand.SCALAR),
    ENDS_WITH("ends_with", Operand.SCALAR),
    IS_EMPTY("is_empty", Operand.NONE),
    IS_NOT_EMPTY("is_not_empty", Operand.NONE),
    CHANGED("changed", Operand.NONE),
    CHANGED_TO("changed_to", Operand.SCALAR),
    CHANGED_FROM("changed_from", Operand.SCALAR),
    BETWEEN("between", Operand.PAIR),
    REGEX("regex", Operand.SCALAR);

    /** What the operator expects in the condition's {@code value}. */
    public enum Operand { NONE, SCALAR, LIST, PAIR }

    private static final Map<String, Operator> BY_WIRE_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(Operator::wireName, Function.identity()));

    private final String wireName;
    private final Operand operand;

    Operator(String wireName, Operand operand) {
        this.wireName = wireName;
        this.operand = operand;
    }

    public String wireName() {
        return wireName;
    }

    public Operand operand() {
        return operand;
    }

    /** An operator that compares the previous and the new state of a record. */
    public boolean isChange() {
        return this == CHANGED || this == CHANGED_TO || this == CHANGED_FROM;
    }

    /** The operator written as {@code wireName}, or null when there is none. */
    public static Operator fromWireName(String wireName) {
        return wireName == null ? null : BY_WIRE_NAME.get(wireName);
    }

    public static String allWireNames() {
        return Arrays.stream(values()).map(Operator::wireName).collect(Collectors.joining(", "));
    }
}
