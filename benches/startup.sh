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
