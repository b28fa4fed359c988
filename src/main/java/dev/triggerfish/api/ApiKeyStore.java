package dev.triggerfish.api;

import dev.triggerfish.audit.AuditLog;
import dev.triggerfish.support.FieldError;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The {@code api_keys} table: hashes, names and scopes; every change audited in its own transaction. */
@ApplicationScoped
public class ApiKeyStore {
    private final Pool pool;
    private final AuditLog audit;

    public ApiKeyStore(Pool pool, AuditLog audit) {
        this.pool = pool;
        this.audit = audit;
    }

    /** The keys not revoked, by the SHA-256 of the key. */
    Uni<Map<ByteBuffer, ApiKey>> active() {
        return pool.query("select id, name, key_hash, scopes from api_keys where revoked_at is null").execute()
                .map(rows -> {
                    Map<ByteBuffer, ApiKey> keys = new HashMap<>();
                    for (Row row : rows) {
                        keys.put(ByteBuffer.wrap(row.getBuffer("key_hash").getBytes()),
                                new ApiKey(row.getLong("id"), row.getString("name"), scopes(row)));
                    }
                    return Map.copyOf(keys);
                });
    }

    /** Stores a new key (its hash only) and answers its row, with the plain key, which is never shown again. */
    public Uni<Map<String, Object>> create(String name, Set<Scope> scopes, String actor) {
        String key = ApiKeys.newKey();
        String[] wire = scopes.stream().sorted().map(Scope::wire).toArray(String[]::new);
        return pool.withTransaction(tx -> tx.preparedQuery("""
                                insert into api_keys (name, key_prefix, key_hash, scopes, created_by) values ($1, $2, $3, $4, $5)
                                on conflict do nothing
                                returning id, name, key_prefix, scopes, created_at, created_by, revoked_at, revoked_by""")
                        .execute(Tuple.of(name, key.substring(0, 12), io.vertx.core.buffer.Buffer.buffer(ApiKeys.hash(key)), wire, actor))
                        .flatMap(rows -> {
                            if (!rows.iterator().hasNext()) {
                                throw ApiProblem.invalid("API key", List.of(new FieldError("name", "an active key named '" + name + "' exists already")));
                            }
                            Map<String, Object> row = json(rows.iterator().next());
                            return audit.record(tx, actor, "created", "api_key", String.valueOf(row.get("id")), Map.of("after", row))
                                    .call(() -> notifyChange(tx))
                                    .map(ignored -> {
                                        Map<String, Object> answer = new LinkedHashMap<>(row);
                                        answer.put("key", key);
                                        return answer;
                                    });
                        }));
    }

    public Uni<List<Map<String, Object>>> list() {
        return pool.query("select id, name, key_prefix, scopes, created_at, created_by, revoked_at, revoked_by from api_keys order by id")
                .execute()
                .map(rows -> {
                    List<Map<String, Object>> out = new ArrayList<>();
                    rows.forEach(row -> out.add(json(row)));
                    return out;
                });
    }

    /** Revokes a key at once on every replica; empty when there is no such key or it was revoked already. */
    public Uni<Optional<Map<String, Object>>> revoke(long id, String actor) {
        return pool.withTransaction(tx -> tx.preparedQuery("""
                                update api_keys set revoked_at = now(), revoked_by = $2 where id = $1 and revoked_at is null
                                returning id, name, key_prefix, scopes, created_at, created_by, revoked_at, revoked_by""")
                        .execute(Tuple.of(id, actor))
                        .flatMap(rows -> {
                            if (!rows.iterator().hasNext()) {
                                return Uni.createFrom().item(Optional.<Map<String, Object>>empty());
                            }
                            Map<String, Object> row = json(rows.iterator().next());
                            return audit.record(tx, actor, "revoked", "api_key", Long.toString(id), Map.of("after", row))
                                    .call(() -> notifyChange(tx))
                                    .map(ignored -> Optional.of(row));
                        }));
    }

    private static Uni<?> notifyChange(io.vertx.mutiny.sqlclient.SqlClient tx) {
        return tx.query("select pg_notify('" + ApiKeys.CHANNEL + "', '')").execute();
    }

    private static Set<Scope> scopes(Row row) {
        EnumSet<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String s : row.getArrayOfStrings("scopes")) {
            Scope.parse(s).ifPresent(scopes::add);
        }
        return scopes;
    }

    private static Map<String, Object> json(Row row) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", row.getLong("id"));
        out.put("name", row.getString("name"));
        out.put("key_prefix", row.getString("key_prefix"));
        out.put("scopes", List.of(row.getArrayOfStrings("scopes")));
        out.put("created_at", String.valueOf(row.getOffsetDateTime("created_at")));
        out.put("created_by", row.getString("created_by"));
        out.put("revoked_at", row.getOffsetDateTime("revoked_at") == null ? null : row.getOffsetDateTime("revoked_at").toString());
        out.put("revoked_by", row.getString("revoked_by"));
        return out;
    }
}
