package dev.triggerfish.condition;

import java.util.List;

/**
 * A trigger's conditions as SQL over {@code crm_records r}: {@link #joins} to put after the table,
 * {@link #where} to filter by, and {@link #recheck}, true for a selected row whose answer only the
 * in-memory {@link CompiledCondition} can give (the row is then kept when that says so). Rows where
 * {@code recheck} is false match exactly; rows that {@code where} leaves out never match. Values are
 * the {@link #parameters} {@code $1..$n}; field names are quoted literals, so that expression
 * indexes such as {@code (attributes -> 'stage')} can serve them.
 *
 * @param residual the conditions (by source) that SQL cannot decide for some or all rows
 */
public record SqlPredicate(String joins, String where, String recheck, List<Object> parameters, List<String> residual) {

    /** {@code select columns, recheck from crm_records r … where …}, for the caller to page through. */
    public String select(String columns) {
        return "select " + columns + ", " + recheck + " as recheck from crm_records r" + joins + " where " + where;
    }

    /** As {@link #select}, without the recheck column when no row needs it ({@link #exact}): one column less to decode per row. */
    public String selectDecided(String columns) {
        return exact() ? "select " + columns + " from crm_records r" + joins + " where " + where : select(columns);
    }

    /** The number of the first placeholder the caller may add after these parameters. */
    public int nextParameter() {
        return parameters.size() + 1;
    }

    /** True when no row ever needs the in-memory check. */
    public boolean exact() {
        return "false".equals(recheck);
    }
}
