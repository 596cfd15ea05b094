#!/usr/bin/env bash
# Whole-process start-up of each command against `--version`. The machine is shared and its
# load drifts, so the commands are run in turn, round after round, and each is compared with
# the `--version` of its own round: the figure is the median of those paired differences.
# Usage: bash benches/startup.sh   (needs python3; builds the release binary; RUNS=N rounds)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
python3 - target/release/crossroads "${RUNS:-500}" <<'PY'
import os, shutil, statistics, subprocess, sys, tempfile, time
binary, runs = sys.argv[1], int(sys.argv[2])
work = tempfile.mkdtemp()
store = os.path.join(work, "store.sqlite")

def run(args):
    start = time.perf_counter()
    subprocess.run([binary, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start

def serve():
    # A server does not end by itself: timed until it says it listens.
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

commands = [
    ("evaluate examples/amara.yaml", lambda: run(["evaluate", "examples/amara.yaml"])),
    ("explain examples/amara.yaml", lambda: run(["explain", "examples/amara.yaml"])),
    ("questionnaire", lambda: run(["questionnaire"])),
    ("screen tests/screen/jsonl/responses.jsonl", lambda: run(["screen", "tests/screen/jsonl/responses.jsonl"])),
    ("rules test", lambda: run(["rules", "test"])),
    ("rules schema", lambda: run(["rules", "schema"])),
    ("rules check (the built-in pack)", lambda: run(["rules", "check"])),
    ("rules check rules/intake", lambda: run(["rules", "check", "rules/intake"])),
    ("serve, until it says it listens", serve),
]
serve()  # the store is made once; each run after opens it, as a restart does
for _ in range(20):  # warm the caches
    run(["--version"])
    for _, measure in commands:
        measure()
base, times = [], {name: [] for name, _ in commands}
for _ in range(runs):
    base.append(run(["--version"]))
    for name, measure in commands:
        times[name].append(measure())
print(f"{runs} rounds; each command against the --version of its own round (python spawns all)")
print(f"{'crossroads':44} {'median':>9} {'over --version':>15}")
print(f"{'--version':44} {statistics.median(base)*1000:7.2f} ms")
for name, ts in times.items():
    paired = statistics.median(t - b for t, b in zip(ts, base))
    print(f"{name:44} {statistics.median(ts)*1000:7.2f} ms {paired*1000:+12.2f} ms")
shutil.rmtree(work)
PY
