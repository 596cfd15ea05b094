#!/usr/bin/env bash
# The web intake's submissions a second on each store, side by side in one run (a benchmark,
# not a test), beside the limit of the database itself:
#   0. pgbench: one-row INSERT transactions a second on the same PostgreSQL server, with the
#      same durability as the store's (synchronous_commit=on, fsync on), 8 clients;
#   1. one `serve` on a SQLite store;
#   2. one `serve` on PostgreSQL;
#   3. two `serve` instances on one PostgreSQL database, each loaded by its own wrk.
# Every request is a whole submission (a persona's intake, a new form token each), kept in the
# store; wrk with 8 connections in all, for 10 s each. Release build, rate limit off. Needs
# wrk, pgbench, python3 and PostgreSQL's server binaries (Debian's postgresql); starts a
# throw-away cluster on port 55433 and removes it at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=${BIN:-target/release/crossroads}
work=$(mktemp -d)
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$work"
cleanup() {
  kill -9 $(jobs -p) $(cat "$work"/*.pid 2>/dev/null) 2>/dev/null || true
  as_pg "$pgbin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
as_pg "$pgbin/initdb" -D "$work/pg" -A trust -U postgres >/dev/null
as_pg "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
  -o "-p 55433 -k $work -c listen_addresses=127.0.0.1 -c synchronous_commit=on -c fsync=on" start >/dev/null
pg=postgres://postgres@127.0.0.1:55433

export ANSWERS_FORM=$(python3 benches/answers-form.py)

# Starts a server on a free port with the store `$1`, logging to `$2`; sets `url` once it
# says it listens, and keeps its pid beside its log.
start() {
  "$bin" serve --listen 127.0.0.1:0 --store "$1" --rate-limit 0 > /dev/null 2> "$2" &
  echo $! > "$2.pid"
  until grep -q "serving the intake on" "$2" 2>/dev/null; do sleep 0.05; done
  url=$(grep -o "http://[^/]*" "$2" | head -1)
}
# Requests a second from wrk's output.
rate() { awk '/Requests\/sec/ { print $2 }' "$1"; }

psql -q -h 127.0.0.1 -p 55433 -U postgres -c "CREATE TABLE bench (id BIGSERIAL PRIMARY KEY, payload TEXT NOT NULL)"
echo "INSERT INTO bench (payload) VALUES (repeat('x', 2000));" > "$work/insert.sql"
echo "== 0. pgbench: one-row transactions, 8 clients, 10 s"
pgbench -n -h 127.0.0.1 -p 55433 -U postgres -c 8 -j 2 -T 10 -f "$work/insert.sql" postgres > "$work/pgbench.out"
pgbench_tps=$(awk '/^tps/ { print int($3) }' "$work/pgbench.out")
echo "pgbench: $pgbench_tps transactions a second"

echo "== 1. one serve on SQLite"
start "$work/one.sqlite" "$work/sqlite.log"
wrk -t2 -c8 -d10s -s benches/serve-submit.lua "$url/intake" > "$work/sqlite.out"
kill "$(cat "$work/sqlite.log.pid")"
sqlite_rps=$(rate "$work/sqlite.out")
echo "SQLite, one instance: $sqlite_rps submissions a second"

echo "== 2. one serve on PostgreSQL"
psql -q -h 127.0.0.1 -p 55433 -U postgres -c "CREATE DATABASE one"
start "$pg/one" "$work/pg1.log"
wrk -t2 -c8 -d10s -s benches/serve-submit.lua "$url/intake" > "$work/pg1.out"
kill "$(cat "$work/pg1.log.pid")"
pg1_rps=$(rate "$work/pg1.out")
echo "PostgreSQL, one instance: $pg1_rps submissions a second"

echo "== 3. two serve instances on one PostgreSQL database"
psql -q -h 127.0.0.1 -p 55433 -U postgres -c "CREATE DATABASE two"
start "$pg/two" "$work/pg2a.log"
url_a=$url
start "$pg/two" "$work/pg2b.log"
url_b=$url
wrk -t1 -c4 -d10s -s benches/serve-submit.lua "$url_a/intake" > "$work/pg2a.out" &
first=$!
wrk -t1 -c4 -d10s -s benches/serve-submit.lua "$url_b/intake" > "$work/pg2b.out"
wait "$first"
pg2_rps=$(python3 -c "print(round($(rate "$work/pg2a.out") + $(rate "$work/pg2b.out"), 2))")
kept=$(psql -tA -h 127.0.0.1 -p 55433 -U postgres -d two -c "SELECT count(*) FROM submissions")
echo "PostgreSQL, two instances: $pg2_rps submissions a second ($kept kept)"

python3 - "$pgbench_tps" "$sqlite_rps" "$pg1_rps" "$pg2_rps" <<'PY'
import sys
pgbench, sqlite, pg1, pg2 = map(float, sys.argv[1:])
print("== ratios, taken side by side in this run")
print(f"SQLite, one instance / pgbench's one-row transactions: {sqlite / pgbench:.2f}")
print(f"PostgreSQL, one instance / pgbench:                    {pg1 / pgbench:.2f}")
print(f"PostgreSQL, two instances / pgbench:                   {pg2 / pgbench:.2f}")
print(f"PostgreSQL, one instance / SQLite, one instance:       {pg1 / sqlite:.2f}")
print(f"PostgreSQL, two instances / one instance:              {pg2 / pg1:.2f}")
PY
