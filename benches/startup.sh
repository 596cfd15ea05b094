#!/usr/bin/env bash
# Whole-process start-up of each command against `--version`, side by side in one hyperfine
# run (the machine is shared: only differences taken together mean anything).
# Usage: bash benches/startup.sh   (needs hyperfine and python3; builds the release binary)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/crossroads
json=$(mktemp)
trap 'rm -f "$json"' EXIT
hyperfine -N --warmup 50 --runs "${RUNS:-500}" --export-json "$json" \
  "$bin --version" \
  "$bin evaluate examples/amara.yaml" \
  "$bin explain examples/amara.yaml" \
  "$bin questionnaire" \
  "$bin screen tests/screen/jsonl/responses.jsonl" \
  "$bin rules test" \
  "$bin rules schema" >/dev/null
python3 - "$json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
base = results[0]["median"]
print(f"{'command':58} {'median':>9} {'over --version':>15}")
for r in results:
    name = r["command"].replace("target/release/crossroads", "crossroads")
    print(f"{name:58} {r['median']*1000:7.2f} ms {(r['median']-base)*1000:+12.2f} ms")
PY
# `serve` until it says it listens, against `--version`, alternating, both spawned the same way
# (hyperfine times whole processes, and a server does not end by itself).
python3 - "$bin" "${RUNS:-500}" <<'PY'
import os, shutil, statistics, subprocess, sys, tempfile, time
binary, runs = sys.argv[1], int(sys.argv[2])
work = tempfile.mkdtemp()
store = os.path.join(work, "store.sqlite")
def serve():
    start = time.perf_counter()
    p = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:0", "--store", store],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for line in p.stderr:
        if b"serving the intake on" in line:
            break
    took = time.perf_counter() - start
    p.kill()
    p.wait()
    return took
def version():
    start = time.perf_counter()
    subprocess.run([binary, "--version"], stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start
serve()  # the store is made once; each run after opens it, as a restart does
v, s = [], []
for _ in range(runs):
    v.append(version())
    s.append(serve())
mv, ms = statistics.median(v), statistics.median(s)
print(f"{'crossroads serve, until it listens (python spawns both)':58} {ms*1000:7.2f} ms {(ms-mv)*1000:+12.2f} ms")
shutil.rmtree(work)
PY
