#!/usr/bin/env bash
# The web intake under load, on this machine, over loopback (a benchmark, not a test):
#   1. submissions a second and latency percentiles: wrk posting whole intakes, each a new
#      submission kept in a SQLite store (release build, rate limit off);
#   2. kill -9 in the middle of a stream of submissions: every submission the server
#      acknowledged (HTTP 200) must be in the store afterwards;
#   3. one client flooding the API with the worst bodies the limits allow (250 KB of keys no
#      question has, 8 connections from 127.0.0.2, rate limit on) while another client
#      (127.0.0.3) loads pages: that client's latency with the flood and without, side by side.
# Needs wrk and python3. Bounded: 10 s of load, 2,000 submissions at most for the kill,
# 15 s without the flood and 15 s with it.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=${BIN:-target/release/crossroads}  # BIN=another build, to compare
work=$(mktemp -d)
trap 'kill -9 $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

# Starts a server on a free port with the store `$1`; sets `url` and `pid` once it says it listens.
start() {
  "$bin" serve --listen 127.0.0.1:0 --store "$work/$1" --rate-limit 0 > /dev/null 2> "$work/$1.log" &
  pid=$!
  until grep -q "serving the intake on" "$work/$1.log" 2>/dev/null; do sleep 0.05; done
  url=$(grep -o "http://[^/]*" "$work/$1.log" | head -1)
}

# A whole intake as form fields (a persona's answers).
export ANSWERS_FORM=$(python3 benches/answers-form.py)

start load.sqlite
echo "== load: wrk, 2 threads, 8 connections, 10 s, every request a whole submission"
wrk -t2 -c8 -d10s --latency -s benches/serve-submit.lua "$url/intake"
kill "$pid"; wait "$pid" 2>/dev/null || true
echo "kept in the store: $(sqlite3 "$work/load.sqlite" 'SELECT count(*) FROM submissions')"

start kill.sqlite
echo "== kill -9 under load"
python3 - "$url" "$pid" "$work/kill.sqlite" <<'PY'
import os, signal, sqlite3, sys, threading, urllib.request, uuid
url, pid, store = sys.argv[1], int(sys.argv[2]), sys.argv[3]
form = os.environ["ANSWERS_FORM"]
csrf = "0123456789abcdef0123456789abcdef"
acked, lock, stop = [], threading.Lock(), threading.Event()
def submit():
    while not stop.is_set():
        token = uuid.uuid4().hex
        body = f"csrf={csrf}&token={token}&lang=en&at=review&go=submit&{form}".encode()
        req = urllib.request.Request(url + "/intake", body, {"Cookie": "csrf=" + csrf})
        try:
            if urllib.request.urlopen(req, timeout=5).status == 200:
                with lock:
                    acked.append(token)
                    if len(acked) >= 300:
                        stop.set()
        except Exception:
            return
threads = [threading.Thread(target=submit) for _ in range(4)]
for t in threads: t.start()
stop.wait(60)
os.kill(pid, signal.SIGKILL)  # in the middle of requests in flight
stop.set()
for t in threads: t.join()
with lock: tokens = list(acked)
kept = {r[0] for r in sqlite3.connect(store).execute("SELECT token FROM submissions")}
lost = [t for t in tokens if t not in kept]
print(f"acknowledged: {len(tokens)}, in the store: {len(kept)}, acknowledged but lost: {len(lost)}")
sys.exit(1 if lost else 0)
PY

"$bin" serve --listen 127.0.0.1:0 > /dev/null 2> "$work/flood.log" &
pid=$!
until grep -q "serving the intake on" "$work/flood.log" 2>/dev/null; do sleep 0.05; done
url=$(grep -o "http://[^/]*" "$work/flood.log" | head -1)
echo "== one client floods the API with hostile bodies, another loads pages (rate limit on)"
python3 - "$url" <<'PY'
import http.client, statistics, sys, threading, time
host, port = sys.argv[1].removeprefix("http://").split(":")
body = "answers:\n" + "".join(f"  not_a_question_{i}: 1\n" for i in range(12000))
body = body.encode()[: 250 * 1024]
def get(path, source):
    c = http.client.HTTPConnection(host, int(port), timeout=60, source_address=(source, 0))
    t = time.perf_counter()
    c.request("GET", path)
    r = c.getresponse(); r.read(); c.close()
    return time.perf_counter() - t, r.status
def flood(stop, statuses):
    while not stop.is_set():
        c = http.client.HTTPConnection(host, int(port), timeout=60, source_address=("127.0.0.2", 0))
        c.request("POST", "/api/v1/assessments", body, {"Content-Type": "application/yaml"})
        r = c.getresponse(); r.read(); c.close()
        statuses.append(r.status)
def pages(seconds):
    # As a person's browser would, well within the rate limit: a page and a check, twice a second.
    ms, end = [], time.perf_counter() + seconds
    while time.perf_counter() < end:
        for p in ("/", "/healthz"):
            took, status = get(p, "127.0.0.3")
            assert status == 200, status
            ms.append(took * 1000)
        time.sleep(0.5)
    return ms
def show(name, ms):
    q = statistics.quantiles(ms, n=100)
    print(f"{name}: {len(ms)} requests, median {statistics.median(ms):.1f} ms, p99 {q[98]:.1f} ms, max {max(ms):.1f} ms")
show("another client, no flood", pages(15))
stop, statuses = threading.Event(), []
threads = [threading.Thread(target=flood, args=(stop, statuses)) for _ in range(8)]
for t in threads: t.start()
while len(statuses) < 8: time.sleep(0.01)  # the flood is underway once its first answers come back
during = pages(15)
stop.set()
for t in threads: t.join()
show("another client, during the flood", during)
worked = statuses.count(422); refused = statuses.count(429)
print(f"the flood: {len(statuses)} requests, {worked} worked on (422), {refused} refused by the rate limit (429)")
PY
kill "$pid"; wait "$pid" 2>/dev/null || true
