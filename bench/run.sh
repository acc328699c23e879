#!/usr/bin/env bash
# Holdout against the plain DuckDB query as an expert writes it, on exports in three row orders, and
# against DuckDB and pandas reimplementing every row rule, and the byte floor (cat, wc -l).
#
# Usage: bench/run.sh [small] [large]      (default: small large; from any directory)
#
#   small  holdout simulate --users 100000  --seed 1 --activity 3.8 --sends   (~1.0M events)
#   large  holdout simulate --users 1000000 --seed 2 --activity 7.3 --sends   (~20M events, ~1 GB)
#
# Steps: build the release binary (swift build -c release); create bench/.venv and install the
# pinned DuckDB and pandas; generate each size's data into bench/data/SIZE if missing; check on a
# small edge-case fixture (bench/edge_cases.py) that DuckDB and pandas agree with Holdout on
# every timestamp form, quoting, de-duplication and boundary case. Then per size:
#
# 1. The headline, plain exports (bench/plain_data.py derives them from the simulated data into
#    bench/data/SIZE-ORDER: one ISO-8601 Z timestamp form, no event ids, no unreadable rows, the
#    shape of a warehouse unload) in three row orders: shuffled, time (sorted by timestamp) and
#    user (grouped by user). RUNS rounds, interleaved, of:
#      holdout     .build/release/holdout report EXPERIMENT --out DIR   (the whole report, 2 threads)
#      holdout-1t  the same with --threads 1
#      duckdb      bench/duckdb_naive.py EXPERIMENT OUT.json 2   (the plain query over the CSV files:
#                  typed reads, one join, one GROUP BY per user; 2 threads)
#      duckdb-1t   the same with 1 thread
#      cat, wc     cat / wc -l of the three files
#    bench/check_stats.py checks that the plain query's numbers equal Holdout's report.json (on
#    this data the plain query is equivalent), and the three orders' reports must be identical.
# 2. The full rules, on the simulated data itself (every timestamp form, duplicates by event id,
#    unreadable rows): holdout, bench/duckdb_stats.py (DuckDB with every row rule in SQL) and
#    bench/pandas_stats.py, compared by bench/check_stats.py.
#
# Each command is timed by /usr/bin/time -f '%e %M %U %S' (wall seconds, peak RSS, user and system
# CPU seconds). The page cache is warmed first, so every tool reads from memory. The tables give
# medians and ratios. Exits 1 if any check disagrees.
#
# Environment: RUNS (default 3); HOLDOUT_BIN=path skips the build and times that binary instead
# (for developing the harness; a real run builds); ORDERS (default "shuffled time user").
set -euo pipefail
export LC_ALL=C

cd "$(dirname "$0")/.."
root=$(pwd)
bench=$root/bench
runs=${RUNS:-3}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(small large)
for size in "${sizes[@]}"; do
  case $size in
    small | large) ;;
    *) echo "usage: bench/run.sh [small] [large]" >&2; exit 64 ;;
  esac
done

results=$bench/data/results
mkdir -p "$results"
log=$results/run.log
: >"$log"

section() { printf '\n== %s\n' "$*"; }

section "machine"
echo "cpus (nproc): $(nproc)"
grep -m1 'model name' /proc/cpuinfo | sed 's/.*: /cpu: /' || true
awk '/^MemTotal/ {printf "memory: %.1f GiB (MemTotal %s kB)\n", $2 / 1048576, $2}' /proc/meminfo
echo "kernel: $(uname -sr)"
swift --version 2>&1 | sed 's/^/swift: /'

section "build"
if [ -n "${HOLDOUT_BIN:-}" ]; then
  bin=$HOLDOUT_BIN
  echo "HOLDOUT_BIN set: skipping the build, timing $bin"
else
  if ! swift build -c release >>"$log" 2>&1; then
    tail -40 "$log" >&2
    echo "error: swift build -c release failed (log: $log)" >&2
    exit 1
  fi
  bin=$root/.build/release/holdout
  echo "built $bin"
fi
"$bin" --version

section "python tools (bench/.venv)"
venv=$bench/.venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  duckdb==1.5.6 pandas==2.3.3 numpy==2.3.5 >>"$log" 2>&1 || {
  tail -20 "$log" >&2
  echo "error: pip install failed (log: $log)" >&2
  exit 1
}
py=$venv/bin/python
"$py" -c 'import sys, duckdb, pandas, numpy; print(f"python {sys.version.split()[0]}, duckdb {duckdb.__version__}, pandas {pandas.__version__}, numpy {numpy.__version__}")'

# Generates SIZE's data unless it is there with the right seed and user count.
generate() {
  local size=$1 users seed activity dir=$bench/data/$1
  case $size in
    small) users=100000 seed=1 activity=3.8 ;;
    large) users=1000000 seed=2 activity=7.3 ;;
  esac
  if [ -f "$dir/experiment.json" ] && [ -f "$dir/cohort.csv" ] && [ -f "$dir/messages.csv" ] \
    && [ -f "$dir/events.csv" ] && grep -q "\"seed\": $seed," "$dir/truth.json" 2>/dev/null \
    && grep -q "\"users\": $users," "$dir/truth.json"; then
    echo "$size: using $dir"
    return
  fi
  echo "$size: generating $dir (holdout simulate --users $users --seed $seed --activity $activity --sends)"
  rm -rf "$dir"
  "$bin" simulate --users "$users" --seed "$seed" --activity "$activity" --sends --out "$dir" >>"$log" 2>&1
}

section "data"
for size in "${sizes[@]}"; do generate "$size"; done

failed=0

section "edge cases (agreement only, not timed)"
edge=$bench/data/edge
rm -rf "$edge" "$results/edge"
mkdir -p "$results/edge"
"$py" "$bench/edge_cases.py" "$edge"
"$bin" report "$edge/experiment.json" --out "$results/edge/holdout" >>"$log" 2>&1
"$py" "$bench/duckdb_stats.py" "$edge/experiment.json" "$results/edge/duckdb.json"
"$py" "$bench/pandas_stats.py" "$edge/experiment.json" "$results/edge/pandas.json"
"$py" "$bench/check_stats.py" "$results/edge/holdout/report.json" \
  "$results/edge/duckdb.json" "$results/edge/pandas.json" || failed=1

timings=$results/timings.csv
echo "set,tool,run,wall_seconds,clock_seconds,peak_rss_kb,user_seconds,system_seconds" >"$timings"

# timed SET TOOL RUN COMMAND...: runs COMMAND under /usr/bin/time (wall seconds to 0.01 s, peak
# RSS in kB, user and system CPU seconds) and appends to timings.csv, with the same wall time
# from bash's microsecond clock (the floor commands take a few hundredths of a second).
timed() {
  local set=$1 tool=$2 run=$3 out start end wall rss user system clock
  shift 3
  out=$results/$set/time-$tool
  start=$EPOCHREALTIME
  if ! /usr/bin/time -f '%e %M %U %S' -o "$out" "$@" >"$results/$set/$tool.stdout" 2>"$results/$set/$tool.stderr"; then
    cat "$results/$set/$tool.stderr" "$out" >&2
    echo "error: $tool failed on $set" >&2
    exit 1
  fi
  end=$EPOCHREALTIME
  read -r wall rss user system <"$out"
  clock=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f", b - a }')
  echo "$set,$tool,$run,$wall,$clock,$rss,$user,$system" >>"$timings"
  awk -v r="$run" -v t="$tool" -v w="$wall" -v c="$clock" -v m="$rss" -v u="$user" -v s="$system" \
    'BEGIN { printf "  run %d  %-11s %8.2f s (clock %.4f s) %9.1f MB  %6.2f CPU-s\n", r, t, w, c, m / 1024, u + s }'
}

orders=(${ORDERS:-shuffled time user})
for size in "${sizes[@]}"; do
  data=$bench/data/$size
  for order in "${orders[@]}"; do
    set=$size-$order
    plain=$bench/data/$set
    # Derived once per simulated set: the stamp names the source's truth.json.
    if ! cmp -s "$data/truth.json" "$plain/source-truth.json" 2>/dev/null; then
      echo "$set: deriving plain data (bench/plain_data.py $order)"
      rm -rf "$plain"
      "$py" "$bench/plain_data.py" "$data" "$plain" "$order"
      cp "$data/truth.json" "$plain/source-truth.json"
    fi
    exp=$plain/experiment.json
    files=("$plain/cohort.csv" "$plain/messages.csv" "$plain/events.csv")
    out=$results/$set
    rm -rf "$out"
    mkdir -p "$out"
    section "$set (plain exports, rows in $order order): $(du -cm "${files[@]}" | tail -1 | cut -f1) MB"
    wc -l "${files[@]}" | sed 's/^/  /'
    cat "${files[@]}" >/dev/null  # warm the page cache
    for run in $(seq "$runs"); do
      timed "$set" holdout "$run" "$bin" report "$exp" --out "$out/holdout"
      timed "$set" holdout-1t "$run" "$bin" report "$exp" --out "$out/holdout-1t" --threads 1
      timed "$set" duckdb "$run" "$py" "$bench/duckdb_naive.py" "$exp" "$out/duckdb.json" 2
      timed "$set" duckdb-1t "$run" "$py" "$bench/duckdb_naive.py" "$exp" "$out/duckdb-1t.json" 1
      timed "$set" cat "$run" cat "${files[@]}"
      timed "$set" wc "$run" wc -l "${files[@]}"
    done
    "$py" "$bench/check_stats.py" "$out/holdout/report.json" "$out/duckdb.json" "$out/duckdb-1t.json" || failed=1
    for f in report.md report.json report.html; do
      cmp -s "$out/holdout/$f" "$out/holdout-1t/$f" || { echo "error: $set: $f differs between 2 threads and 1" >&2; failed=1; }
      if [ "$order" != "${orders[0]}" ]; then
        cmp -s "$out/holdout/$f" "$results/$size-${orders[0]}/holdout/$f" \
          || { echo "error: $set: $f differs from the ${orders[0]} order's" >&2; failed=1; }
      fi
    done
    section "$set: results (median of $runs runs)"
    "$py" "$bench/summarize.py" "$timings" "$set"
  done

  set=$size-rules
  exp=$data/experiment.json
  files=("$data/cohort.csv" "$data/messages.csv" "$data/events.csv")
  out=$results/$set
  rm -rf "$out"
  mkdir -p "$out"
  section "$set (simulated data, every row rule): $(du -cm "${files[@]}" | tail -1 | cut -f1) MB in ${files[*]##*/}"
  wc -l "${files[@]}" | sed 's/^/  /'
  cat "${files[@]}" >/dev/null
  for run in $(seq "$runs"); do
    timed "$set" holdout "$run" "$bin" report "$exp" --out "$out/holdout"
    timed "$set" duckdb-rules "$run" "$py" "$bench/duckdb_stats.py" "$exp" "$out/duckdb.json"
    timed "$set" pandas "$run" "$py" "$bench/pandas_stats.py" "$exp" "$out/pandas.json"
  done
  echo
  "$py" "$bench/check_stats.py" "$out/holdout/report.json" "$out/duckdb.json" "$out/pandas.json" || failed=1
  section "$set: results (median of $runs runs)"
  "$py" "$bench/summarize.py" "$timings" "$set"
done

echo
echo "timings: $timings; outputs: $results/SET/"
if [ "$failed" -ne 0 ]; then
  echo "error: the tools disagree (see above)" >&2
  exit 1
fi
