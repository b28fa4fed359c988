# Shared by bench/pipeline, bench/peer and bench/soak (sourced): building, starting Triggerfish on a fresh
# embedded PostgreSQL, pgbench's durable INSERT rate on it, and the service's memory.
# None of them takes the Maven lock itself: on a shared machine, run the whole script under it
# (flock /tmp/triggerfish-maven.lock bench/pipeline ...), or build first and pass BENCH_NO_BUILD=1.
PGPORT=${BENCH_PG_PORT:-55432}
PORT=${BENCH_HTTP_PORT:-18080}
OUT=${BENCH_OUT:-bench/out}
KEY=bench-key

build() {
  if [ -z "${BENCH_NO_BUILD:-}" ]; then
    ./mvnw -B -q package -DskipTests -DskipNativeCheck dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=runtime
  fi
  [ -f target/quarkus-app/quarkus-run.jar ] && [ -f target/bench-classpath.txt ] || { echo "not built: run without BENCH_NO_BUILD"; exit 1; }
}

# Starts the service (pid in $SERVICE) and waits until it is ready; BENCH_SERVICE_ENV adds settings,
# e.g. "TRIGGERFISH_RUNNER_CONCURRENCY=512"; BENCH_JAVA_OPTS replaces -Xmx1g; BENCH_KEEP_DATA=1 starts on the
# database the previous start left (a second phase of one benchmark).
start_service() {
  [ -n "${BENCH_KEEP_DATA:-}" ] || rm -rf "$OUT/data"
  mkdir -p "$OUT"
  env TRIGGERFISH_DATA_DIR="$OUT/data" TRIGGERFISH_EMBEDDED_POSTGRES_PORT=$PGPORT TRIGGERFISH_API_KEYS=$KEY \
    TRIGGERFISH_WEBHOOK_ALLOWED_HOSTS=127.0.0.1 QUARKUS_HTTP_PORT=$PORT QUARKUS_LOG_LEVEL=WARN ${BENCH_SERVICE_ENV:-} \
    java ${BENCH_JAVA_OPTS:--Xmx1g} -jar target/quarkus-app/quarkus-run.jar > "$OUT/service.log" 2>&1 &
  SERVICE=$!
  trap 'kill $SERVICE 2>/dev/null; wait $SERVICE 2>/dev/null || true' EXIT
  for _ in $(seq 1 120); do curl -sf "localhost:$PORT/q/health/ready" >/dev/null && break; sleep 0.5; done
  curl -sf "localhost:$PORT/q/health/ready" >/dev/null || { echo "service did not start; see $OUT/service.log"; exit 1; }
  export PGHOST=localhost PGPORT PGUSER=postgres PGDATABASE=postgres
}

# pgbench: durable single-row INSERTs, 16 clients, 10 s, on the service's PostgreSQL; sets PGBENCH_TPS
pgbench_rate() {
  command -v pgbench >/dev/null || { echo "pgbench is needed (apt-get install postgresql-client)"; exit 1; }
  psql -q -c "drop table if exists pgbench_rows" -c "create table pgbench_rows (id bigserial primary key, payload text, at timestamptz default now())" 2>/dev/null
  echo "insert into pgbench_rows (payload) values ('x');" > "$OUT/insert.sql"
  PGBENCH_TPS=$(pgbench -n -c 16 -j 2 -T 10 -f "$OUT/insert.sql" 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)
  echo "pgbench: ${PGBENCH_TPS} durable single-row INSERTs/s (16 clients, 10 s)"
  psql -q -c "drop table pgbench_rows"
}

# The service's resident memory in MiB (VmRSS of /proc/<pid>/status)
rss_mib() {
  awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVICE/status"
}

# Samples the RSS every second into $OUT/rss.txt (seconds since start, MiB) until the service stops
sample_rss() {
  : > "$OUT/rss.txt"
  ( start=$(date +%s); while kill -0 $SERVICE 2>/dev/null; do echo "$(( $(date +%s) - start )) $(rss_mib)" >> "$OUT/rss.txt"; sleep 1; done ) &
}

# The Java heap after a full GC, in MiB: used / committed
heap_after_gc() {
  jcmd $SERVICE GC.run >/dev/null
  jcmd $SERVICE GC.heap_info | awk '/garbage-first heap|total/ && /used/ { for (i = 1; i <= NF; i++) { if ($i == "total") t = $(i+1); if ($i == "used") u = $(i+1) } }
      END { gsub(/K,?/, "", t); gsub(/K,?/, "", u); printf "%.0f MiB used of %.0f MiB committed", u / 1024, t / 1024 }'
}

harness() { # events batch: PipelineBench against the service (BENCH_HARNESS_OPTS: -Dwarmup=N, -Dlatency=false, -Drate=N -Dseconds=N)
  java -Dservice.pid=$SERVICE -Dpostgres.pid="$(head -1 "$OUT/data/pgdata/postmaster.pid" 2>/dev/null)" ${BENCH_HARNESS_OPTS:-} -cp "$(cat target/bench-classpath.txt)" bench/PipelineBench.java "http://localhost:$PORT" "$KEY" \
    "jdbc:postgresql://localhost:$PGPORT/postgres?user=postgres" "$@"
}
