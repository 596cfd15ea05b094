#!/usr/bin/env bash
# `screen STORE.sqlite` on a large store (a benchmark, not a test): a store of at least 300 MB
# made by `serve` (its schema) and filled with the personas' answers (each with a long free
# text), then screened for the coach with the release binary; its peak memory (max RSS) and
# time. Give a second binary as $1 (an older build, say) to measure it side by side.
# Needs python3. Bounded: one store, two runs of each binary.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/crossroads
work=$(mktemp -d)
trap 'kill -9 $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

# The store as `serve` makes it: its own schema, then stopped.
"$bin" serve --listen 127.0.0.1:0 --store "$work/store.sqlite" > /dev/null 2> "$work/serve.log" &
pid=$!
until grep -q "serving the intake on" "$work/serve.log" 2>/dev/null; do sleep 0.05; done
kill "$pid"; wait "$pid" 2>/dev/null || true

python3 - "$work/store.sqlite" <<'PY'
import glob, json, os, sqlite3, sys, uuid, yaml
people = [yaml.safe_load(open(p))["answers"] for p in sorted(glob.glob("tests/cases/*/answers.yaml"))]
db = sqlite3.connect(sys.argv[1])
rows, size, n = [], 0, 0
while size < 300 * 1024 * 1024:
    a = dict(people[n % len(people)])
    a["anything_else"] = ("a long note " * 160)[:1900]
    doc = json.dumps(a)
    rows.append((uuid.uuid4().hex, uuid.uuid4().hex, n, "intake", "bench", "bench", doc))
    size += len(doc) + 100
    n += 1
db.executemany("INSERT INTO submissions (id, token, submitted_at, pack_id, pack_version, pack_hash, answers) VALUES (?,?,?,?,?,?,?)", rows)
db.commit()
print(f"store: {n} submissions, {os.path.getsize(sys.argv[1]) / 2**20:.0f} MiB on disk")
PY

measure() {
  for run in 1 2; do
    /usr/bin/time -f "$1: %e s, peak memory %M KiB" "$1" screen "$work/store.sqlite" --format csv > /dev/null 2> "$work/err" || true
    tail -1 "$work/err"
  done
}
measure "$bin"
if [ $# -gt 0 ]; then measure "$1"; fi
