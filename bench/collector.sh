#!/usr/bin/env bash
# `holdout serve` under load (issue 28): signed Customer.io reporting webhooks sent by wrk to the
# collector with durability on (write + fdatasync before every 2xx), beside nginx answering the
# same requests with 204 (the machine's ceiling for this traffic). Prints a Markdown table;
# writes nothing into the repository (bench/RESULTS.md is edited by hand).
#
# Usage: bench/collector.sh
#   DURATION=60      seconds per run (at most 240: see the signatures below)
#   THREADS=2        wrk threads;  CONNECTIONS=64  wrk connections
#   RATE=5000        requests/s of the paced runs
#   NOFSYNC=1        also run holdout with --no-fsync (the cost of durability); 0 to skip
#   SWEEP="32 128 256"  also run holdout at maximum throughput with these connection counts,
#                    SWEEP_DURATION (20) s each: group commit gathers more events per fsync
#                    with more concurrent requests (default: no sweep)
#   HOLDOUT_BIN=…    the binary to measure (default .build/release/holdout, built if missing)
#
# Runs, one fresh server and data folder each:
#   holdout, max    wrk -t2 -c64 as fast as it goes, durability on
#   nginx, max      nginx (2 workers) answering `return 204;` to the same requests: the ceiling
#   holdout, no-fsync   the same as the first with --no-fsync (nothing durable before close)
#   holdout, RATE/s     a fixed RATE requests/s, wrk's delay() (bench/collector.lua explains
#                       the closed-loop caveat: latency counts from the send, not the slot)
#   nginx, RATE/s       the same pacing against nginx: the machine's latency floor at that rate
#
# The requests: the first 1,000 JSON lines of fixtures/cart-recovery/messages.jsonl.gz (about
# 390 bytes each), each signed as Customer.io signs it: X-CIO-Timestamp = the Unix time when the
# run starts, X-CIO-Signature = hex HMAC-SHA256(secret, "v0:" + timestamp + ":" + body), made
# with Python's hmac before each run. The server accepts timestamps within 300 s of its clock,
# so start-time signatures stay valid for the whole run (hence DURATION ≤ 240).
#
# For each holdout run: the server's CPU seconds (utime + stime from /proc/PID/stat, before and
# after the run), its peak RSS (VmHWM), the fsyncs (holdout_fsync_seconds_count from /metrics)
# and so events per fsync. After SIGTERM (exit 0 expected) every stored line is read back: the
# run FAILS unless no .tmp is left, every line is a JSON object, no request got a non-2xx or a
# socket error, and the lines stored equal the server's own count of 200s and lie between wrk's
# 2xx count and that count plus the connections (wrk drops the requests in flight when its time
# is up: the server stores and answers them, wrk no longer reads the answer).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
DURATION=${DURATION:-60}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
RATE=${RATE:-5000}
NOFSYNC=${NOFSYNC:-1}
SWEEP=${SWEEP:-}
SWEEP_DURATION=${SWEEP_DURATION:-20}
[ "$DURATION" -ge 1 ] && [ "$DURATION" -le 240 ] || { echo "DURATION must be 1..240 s (signatures are made at the start of a run; the server accepts 300 s)" >&2; exit 64; }

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v python3 >/dev/null || need+=(python3)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
export PATH=$PATH:/usr/sbin

bin=${HOLDOUT_BIN:-.build/release/holdout}
if [ -z "${HOLDOUT_BIN:-}" ] && [ ! -x "$bin" ]; then swift build -c release >/dev/null; fi
case $bin in /*) ;; *) bin=$root/$bin ;; esac
[ -x "$bin" ] || { echo "no binary at $bin" >&2; exit 66; }

mkdir -p .build
work=$(mktemp -d -p "$root/.build" bench-collector.XXXXXX)   # on the real disk, not a tmpfs
pids=()   # the processes this script started and has not waited for yet
forget() { local keep=() p; for p in "${pids[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done; pids=("${keep[@]}"); }
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  sleep 0.5
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
tick=$(getconf CLK_TCK)
secret="bench-cio-signing-secret-$RANDOM$RANDOM"
printf '{"customerio": "%s"}\n' "$secret" > "$work/secrets.json"
chmod 600 "$work/secrets.json"
fixture=$root/fixtures/cart-recovery/messages.jsonl.gz
failures=0
results=$work/results.jsonl
: > "$results"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# sign FILE: the requests file for bench/collector.lua, signed now.
sign() {
  python3 - "$fixture" "$secret" "$1" <<'EOF'
import gzip, hashlib, hmac, json, sys, time
fixture, secret, out = sys.argv[1], sys.argv[2].encode(), sys.argv[3]
ts = str(int(time.time()))
n = 0
with gzip.open(fixture, "rb") as f, open(out, "w") as o:
    for line in f:
        line = line.rstrip(b"\n")
        try:
            if not isinstance(json.loads(line), dict):
                continue
        except ValueError:
            continue
        signature = hmac.new(secret, b"v0:" + ts.encode() + b":" + line, hashlib.sha256).hexdigest()
        o.write(ts + "\t" + signature + "\t" + line.decode() + "\n")
        n += 1
        if n == 1000:
            break
EOF
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }             # utime + stime of one process
machine_busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }   # all processes, in ticks
hwm_kb() { awk '/^VmHWM/{print $2}' "/proc/$1/status"; }
metric() { curl -s "http://127.0.0.1:$1/metrics" | awk -v n="$2" '$1 == n {print $2; found=1} END {if (!found) print 0}'; }

wait_ready() { # PORT PID
  for _ in $(seq 1 300); do
    curl -sf -o /dev/null "http://127.0.0.1:$1/healthz" && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# run_wrk NAME PORT RATE: wrk against PORT; its output in $work/NAME.wrk, its CPU in $work/NAME.wrkcpu
run_wrk() {
  local name=$1 port=$2 rate=$3
  sign "$work/requests.txt"
  local args=(-t "$THREADS" -c "$CONNECTIONS" -d "${DURATION}s" --latency -s "$root/bench/collector.lua"
    "http://127.0.0.1:$port/v1/customerio" -- "$work/requests.txt")
  [ "$rate" -gt 0 ] && args+=("$rate" "$THREADS")
  # `times` in the subshell: its second line is the CPU time of its children, here wrk.
  ( wrk "${args[@]}" > "$work/$name.wrk"; times > "$work/$name.times" )
  tail -1 "$work/$name.times" > "$work/$name.wrkcpu"
  sed 's/^/    /' "$work/$name.wrk" | grep -v WRKJSON >&2
}

# holdout_run NAME RATE [FLAGS…]
holdout_run() {
  local name=$1 rate=$2; shift 2
  local port data log
  port=$(free_port); data=$work/data-$name; log=$work/$name.log
  "$bin" serve --listen "127.0.0.1:$port" --data "$data" --secrets "$work/secrets.json" "$@" 2> "$log" &
  local pid=$!; pids+=("$pid")
  wait_ready "$port" "$pid" || { cat "$log" >&2; echo "FAIL $name: holdout serve did not answer /healthz" >&2; failures=$((failures + 1)); return; }
  local fsyncs0 fsum0 cpu0 busy0 t0
  fsyncs0=$(metric "$port" holdout_fsync_seconds_count); fsum0=$(metric "$port" holdout_fsync_seconds_sum)
  cpu0=$(cpu_ticks "$pid"); busy0=$(machine_busy); t0=$(date +%s.%N)
  echo "== $name: $(cat /proc/loadavg | cut -d' ' -f1-3) load before" >&2
  run_wrk "$name" "$port" "$rate"
  local cpu1 busy1 t1 hwm
  cpu1=$(cpu_ticks "$pid"); busy1=$(machine_busy); t1=$(date +%s.%N); hwm=$(hwm_kb "$pid")
  sleep 0.5   # the requests wrk abandoned in flight are answered by now
  local fsyncs1 fsum1 ok200 events
  fsyncs1=$(metric "$port" holdout_fsync_seconds_count); fsum1=$(metric "$port" holdout_fsync_seconds_sum)
  ok200=$(metric "$port" 'holdout_requests_total{endpoint="customerio",status="200"}')
  events=$(metric "$port" 'holdout_events_total{endpoint="customerio"}')
  kill -TERM "$pid"
  local code=0
  wait "$pid" || code=$?
  forget "$pid"
  python3 - "$name" "$work" "$data" "$code" "$CONNECTIONS" "$tick" "$cpu0" "$cpu1" "$busy0" "$busy1" "$t0" "$t1" "$hwm" \
    "$fsyncs0" "$fsyncs1" "$fsum0" "$fsum1" "$ok200" "$events" "$rate" >> "$results" <<'EOF' || failures=$((failures + 1))
import json, os, sys
(name, work, data, code, connections, tick, cpu0, cpu1, busy0, busy1, t0, t1, hwm,
 f0, f1, s0, s1, ok200, events, rate) = sys.argv[1:]
tick = int(tick)
wrk = json.loads(next(l for l in open(f"{work}/{name}.wrk") if l.startswith("WRKJSON"))[8:])
def seconds(text):  # bash `times`: 0m1.234s
    m, s = text.rstrip("s").split("m")
    return int(m) * 60 + float(s)
wrk_cpu = sum(seconds(t) for t in open(f"{work}/{name}.wrkcpu").read().split())
lines = tmp = bad = 0
for folder, _, files in os.walk(data):
    for f in files:
        if f.endswith(".tmp"):
            tmp += 1
        if not f.endswith(".jsonl"):
            continue
        with open(os.path.join(folder, f), "rb") as handle:
            for line in handle:
                lines += 1
                try:
                    ok = line.endswith(b"\n") and isinstance(json.loads(line), dict)
                except ValueError:
                    ok = False
                bad += not ok
twoxx = wrk["requests"] - wrk["status_errors"]
errors = wrk["connect_errors"] + wrk["read_errors"] + wrk["write_errors"] + wrk["status_errors"]
ok200, events, connections = int(float(ok200)), int(float(events)), int(connections)
problems = []
if code != "0": problems.append(f"exit {code} after SIGTERM")
if tmp: problems.append(f"{tmp} .tmp file(s) left")
if bad: problems.append(f"{bad} stored line(s) not a whole JSON object")
if errors: problems.append(f"{errors} non-2xx responses or socket errors")
if lines != ok200 or lines != events: problems.append(f"{lines} lines stored but the server counted {ok200} 200s and {events} events")
if not twoxx <= lines <= twoxx + connections: problems.append(f"{lines} lines stored for {twoxx} 2xx counted by wrk (in flight at the end: at most {connections})")
elapsed = float(t1) - float(t0)
fsyncs = int(float(f1)) - int(float(f0))
row = dict(name=name, server="holdout", rate=int(rate), connections=connections, duration=wrk["duration_us"] / 1e6, rps=twoxx / (wrk["duration_us"] / 1e6), requests=wrk["requests"], twoxx=twoxx,
           p50=wrk["p50_us"] / 1000, p99=wrk["p99_us"] / 1000, p999=wrk["p999_us"] / 1000, max=wrk["max_us"] / 1000,
           late=wrk["late"], late_max=wrk["late_max_ms"], scheduled=wrk["scheduled"],
           cpu=(int(cpu1) - int(cpu0)) / tick, elapsed=elapsed, rss_mb=int(hwm) / 1024, wrk_cpu=wrk_cpu,
           other_cpu=(int(busy1) - int(busy0)) / tick - (int(cpu1) - int(cpu0)) / tick - wrk_cpu,
           fsyncs=fsyncs, fsync_ms=(float(s1) - float(s0)) / fsyncs * 1000 if fsyncs else None,
           stored=lines, errors=errors, problems=problems)
print(json.dumps(row))
for p in problems:
    print(f"FAIL {name}: {p}", file=sys.stderr)
print(f"{'ok  ' if not problems else 'FAIL'} {name}: {lines} lines stored, {twoxx} 2xx counted by wrk, server counted {ok200}; "
      f"{tmp} .tmp, {bad} bad lines, exit {code}", file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
  rm -rf "$data"
}

# nginx_run NAME RATE
nginx_run() {
  local name=$1 rate=$2 port prefix
  port=$(free_port); prefix=$work/nginx-$name
  mkdir -p "$prefix/logs" "$prefix/tmp"
  cat > "$prefix/nginx.conf" <<EOF
worker_processes 2;
pid $prefix/nginx.pid;
error_log $prefix/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 100000000;   # as holdout: never close a busy kept-alive connection
  client_body_temp_path $prefix/tmp/body;
  proxy_temp_path $prefix/tmp/proxy;
  fastcgi_temp_path $prefix/tmp/fastcgi;
  uwsgi_temp_path $prefix/tmp/uwsgi;
  scgi_temp_path $prefix/tmp/scgi;
  server {
    listen 127.0.0.1:$port;
    location / { return 204; }
  }
}
EOF
  nginx -p "$prefix" -c "$prefix/nginx.conf" -g 'daemon off;' 2> "$prefix/logs/stderr" &
  local master=$!; pids+=("$master")
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
  local workers cpu0=0 cpu1=0 busy0 busy1 hwm=0 w
  workers=$(pgrep -P "$master" | tr '\n' ' ')
  for w in $master $workers; do cpu0=$((cpu0 + $(cpu_ticks "$w"))); done
  busy0=$(machine_busy)
  echo "== $name: $(cut -d' ' -f1-3 /proc/loadavg) load before" >&2
  run_wrk "$name" "$port" "$rate"
  busy1=$(machine_busy)
  for w in $master $workers; do cpu1=$((cpu1 + $(cpu_ticks "$w"))); hwm=$((hwm + $(hwm_kb "$w"))); done
  kill -QUIT "$master"; wait "$master" || true
  forget "$master"
  python3 - "$name" "$work" "$tick" "$cpu0" "$cpu1" "$busy0" "$busy1" "$hwm" "$rate" >> "$results" <<'EOF'
import json, sys
name, work, tick, cpu0, cpu1, busy0, busy1, hwm, rate = sys.argv[1:]
tick = int(tick)
wrk = json.loads(next(l for l in open(f"{work}/{name}.wrk") if l.startswith("WRKJSON"))[8:])
def seconds(text):
    m, s = text.rstrip("s").split("m")
    return int(m) * 60 + float(s)
wrk_cpu = sum(seconds(t) for t in open(f"{work}/{name}.wrkcpu").read().split())
server = (int(cpu1) - int(cpu0)) / tick
twoxx = wrk["requests"] - wrk["status_errors"]
print(json.dumps(dict(name=name, server="nginx", rate=int(rate), connections=None, rps=twoxx / (wrk["duration_us"] / 1e6), requests=wrk["requests"], twoxx=twoxx,
                      p50=wrk["p50_us"] / 1000, p99=wrk["p99_us"] / 1000, p999=wrk["p999_us"] / 1000, max=wrk["max_us"] / 1000,
                      late=wrk["late"], late_max=wrk["late_max_ms"], scheduled=wrk["scheduled"], cpu=server, rss_mb=int(hwm) / 1024,
                      wrk_cpu=wrk_cpu, other_cpu=(int(busy1) - int(busy0)) / tick - server - wrk_cpu, fsyncs=None, fsync_ms=None,
                      stored=None, errors=wrk["connect_errors"] + wrk["read_errors"] + wrk["write_errors"] + wrk["status_errors"], problems=[])))
EOF
}

echo "machine: $(nproc) cores ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r)" >&2
echo "versions: $("$bin" --version), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-3), $(nginx -v 2>&1 | cut -d' ' -f3)" >&2
echo "data folder: $work ($(stat -f -c %T "$work"), $(df -P "$work" | awk 'NR==2{print $1}')); wrk -t$THREADS -c$CONNECTIONS, ${DURATION} s per run" >&2

holdout_run "holdout-max" 0
nginx_run "nginx-max" 0
[ "$NOFSYNC" = 1 ] && holdout_run "holdout-nofsync" 0 --no-fsync
holdout_run "holdout-$RATE" "$RATE"
nginx_run "nginx-$RATE" "$RATE"
if [ -n "$SWEEP" ]; then
  main_connections=$CONNECTIONS main_duration=$DURATION
  for c in $SWEEP; do CONNECTIONS=$c DURATION=$SWEEP_DURATION holdout_run "holdout-max-c$c" 0; done
  CONNECTIONS=$main_connections DURATION=$main_duration
fi

python3 - "$results" "$RATE" "$DURATION" "$THREADS" "$CONNECTIONS" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
rate, duration, threads, connections = sys.argv[2:]
by = {r["name"]: r for r in rows}
def f(v, d=1):
    return "—" if v is None else f"{v:,.{d}f}"
print(f"\n`bench/collector.sh`: {duration} s per run, wrk -t{threads} -c{connections}, signed Customer.io webhooks of about 390 bytes\n")
print("| run | 2xx/s | p50 ms | p99 ms | p99.9 ms | max ms | late sends | server CPU s | server CPU µs/request | peak RSS MiB | fsyncs | events/fsync | fsync mean ms | wrk CPU s | other CPU s | stored = 2xx |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
for r in rows:
    label = {"holdout": "holdout serve", "nginx": "nginx `return 204`"}[r["server"]]
    label += ", max" if r["rate"] == 0 else f", {r['rate']:,}/s paced"
    if r["name"].endswith("nofsync"):
        label = "holdout serve --no-fsync, max"
    if r.get("connections") not in (None, int(connections)):
        label += f", {r['connections']} connections, {r['duration']:.0f} s"
    per_fsync = r["twoxx"] / r["fsyncs"] if r["fsyncs"] else None
    late = "—" if r["rate"] == 0 else f"{r['late']:,} (max {r['late_max']:.0f} ms)"
    stored = "—" if r["stored"] is None else ("yes" if not r["problems"] else "**NO**") + f" ({r['stored']:,} lines)"
    print(f"| {label} | **{r['rps']:,.0f}** | {f(r['p50'], 2)} | **{f(r['p99'], 2)}** | {f(r['p999'], 1)} | {f(r['max'], 1)} | {late} | {f(r['cpu'])} | "
          f"{f(r['cpu'] / r['twoxx'] * 1e6 if r['twoxx'] else None, 0)} | {f(r['rss_mb'])} | {f(r['fsyncs'], 0) if r['fsyncs'] is not None else '—'} | "
          f"{f(per_fsync)} | {f(r['fsync_ms'], 2)} | {f(r['wrk_cpu'])} | {f(r['other_cpu'])} | {stored} |")
hmax, nmax = by.get("holdout-max"), by.get("nginx-max")
if hmax and nmax:
    print(f"\nholdout serve (durable) answers {hmax['rps'] / nmax['rps']:.0%} of nginx's ceiling ({hmax['rps']:,.0f} vs {nmax['rps']:,.0f} requests/s).")
if "holdout-nofsync" in by and hmax:
    print(f"--no-fsync: {by['holdout-nofsync']['rps']:,.0f}/s; durability costs {1 - hmax['rps'] / by['holdout-nofsync']['rps']:.0%} of the throughput.")
paced = by.get(f"holdout-{rate}")
if hmax:
    print(f"target ≥ 20,000 events/s: {'met' if hmax['rps'] >= 20000 else 'NOT met'} ({hmax['rps']:,.0f}/s, one event per request)")
if paced:
    print(f"target p99 ≤ 20 ms at {int(rate):,}/s: {'met' if paced['p99'] <= 20 else 'NOT met'} (p99 {paced['p99']:.2f} ms, achieved {paced['rps']:,.0f}/s, "
          f"{paced['late']:,} of {paced['scheduled']:,} sends late by > 1 ms)")
EOF

if [ "$failures" -gt 0 ]; then echo "FAIL: $failures run(s) lost or damaged events or failed (above)" >&2; exit 1; fi
echo "ok: every holdout run stored exactly the events it acknowledged" >&2
