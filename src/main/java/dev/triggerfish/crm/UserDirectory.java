package dev.triggerfish.crm;

import dev.triggerfish.audit.AuditLog;
import dev.triggerfish.support.FieldError;
import dev.triggerfish.support.InvalidInput;
import dev.triggerfish.support.NotFound;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The users records can be assigned to, and their roles. An assignee is a user id, a role (its
 * active users in turn, round-robin, cluster-wide), or {@code auto} (every active user in turn).
 */
@ApplicationScoped
public class UserDirectory {
    public static final String AUTO = "auto";

    private final Pool pool;
    private final AuditLog audit;

    public UserDirectory(Pool pool, AuditLog audit) {
        this.pool = pool;
        this.audit = audit;
    }

    /** Creates or replaces a user. */
    public Uni<Map<String, Object>> save(Map<String, Object> body, String actor) {
        List<FieldError> errors = new ArrayList<>();
        String id = RecordInput.id(body.get("id"), errors);
        if (id == null && errors.isEmpty()) {
            errors.add(new FieldError("id", "is required"));
        }
        Object roles = body.get("roles");
        if (roles != null && !(roles instanceof List<?> l && l.stream().allMatch(r -> r instanceof String s && !s.isBlank()))) {
            errors.add(new FieldError("roles", "must be a list of role names"));
        }
        for (String key : List.of("name", "email")) {
            if (body.get(key) != null && !(body.get(key) instanceof String)) {
                errors.add(new FieldError(key, "must be a string"));
            }
        }
        if (body.get("active") != null && !(body.get("active") instanceof Boolean)) {
            errors.add(new FieldError("active", "must be true or false"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInput("user", errors);
        }
        // a role named twice is one membership
        String[] roleNames = roles == null ? new String[0] : ((List<?>) roles).stream().map(Object::toString).distinct().toArray(String[]::new);
        return pool.withTransaction(tx -> tx.preparedQuery("select id, name, email, roles, active from users where id = $1 for update")
                .execute(Tuple.of(id))
                .flatMap(before -> tx.preparedQuery("""
                                insert into users (id, name, email, roles, active) values ($1, $2, $3, $4, $5)
                                on conflict (id) do update set name = excluded.name, email = excluded.email, roles = excluded.roles,
                                                               active = excluded.active
                                returning id, name, email, roles, active""")
                        .execute(Tuple.of(id, body.get("name"), body.get("email"), roleNames, body.get("active") != Boolean.FALSE))
                        .map(rows -> json(rows.iterator().next()))
                        .call(user -> {
                            Map<String, Object> change = new LinkedHashMap<>();
                            if (before.size() > 0) {
                                change.put("before", json(before.iterator().next()));
                            }
                            change.put("after", user);
                            return audit.record(tx, actor, before.size() > 0 ? "updated" : "created", "user", id, change);
                        })));
    }

    public Uni<List<Map<String, Object>>> list() {
        return pool.query("select id, name, email, roles, active from users order by id").execute()
                .map(rows -> {
                    List<Map<String, Object>> out = new ArrayList<>();
                    rows.forEach(row -> out.add(json(row)));
                    return out;
                });
    }

    public Uni<Map<String, Object>> get(String id) {
        return pool.preparedQuery("select id, name, email, roles, active from users where id = $1").execute(Tuple.of(id))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw new NotFound("user", id);
                    }
                    return json(rows.iterator().next());
                });
    }

    public Uni<Void> delete(String id, String actor) {
        return pool.withTransaction(tx -> tx.preparedQuery("delete from users where id = $1 returning id, name, email, roles, active")
                .execute(Tuple.of(id))
                .flatMap(rows -> {
                    if (rows.rowCount() == 0) {
                        throw new NotFound("user", id);
                    }
                    return audit.record(tx, actor, "deleted", "user", id, Map.of("before", json(rows.iterator().next())));
                }));
    }

    /** Roles with their active users. */
    public Uni<Map<String, List<String>>> roles() {
        return pool.query("select r as role, array_agg(distinct id order by id) as users from users, unnest(roles) r where active group by r order by r")
                .execute()
                .map(rows -> {
                    Map<String, List<String>> out = new LinkedHashMap<>();
                    rows.forEach(row -> out.put(row.getString("role"), Arrays.asList(row.getArrayOfStrings("users"))));
                    return out;
                });
    }

    /**
     * The user an assignee names, in {@code tx}: a user id as is, a role or {@code auto} by
     * round-robin; null when nothing matches.
     */
    public Uni<String> resolve(SqlClient tx, String assignee) {
        return tx.preparedQuery("select id from users where id = $1").execute(Tuple.of(assignee))
                .flatMap(rows -> rows.size() > 0
                        ? Uni.createFrom().item(assignee)
                        : nextInRole(tx, AUTO.equals(assignee) ? "*" : assignee));
    }

    private Uni<String> nextInRole(SqlClient tx, String role) {
        return tx.preparedQuery("""
                        with cursor as (
                            insert into role_cursors (role, position) values ($1, 0)
                            on conflict (role) do update set position = role_cursors.position + 1
                            returning position),
                        members as (
                            select id, row_number() over (order by id) - 1 as n, count(*) over () as total
                            from users where active and ($1 = '*' or $1 = any(roles)))
                        select id from members, cursor where members.n = cursor.position % members.total""")
                .execute(Tuple.of(role))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("id"));
    }

    private static Map<String, Object> json(Row row) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("id", row.getString("id"));
        user.put("name", row.getString("name"));
        user.put("email", row.getString("email"));
        user.put("roles", Arrays.asList(row.getArrayOfStrings("roles")));
        user.put("active", row.getBoolean("active"));
        return user;
    }
}
