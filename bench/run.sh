#!/usr/bin/env bash
# Holdout against DuckDB and pandas computing the same per-arm sufficient statistics, and against
# the byte floor (cat, wc -l), on simulated win-back experiments.
#
# Usage: bench/run.sh [small] [large]      (default: small large; from any directory)
#
#   small  holdout simulate --users 100000  --seed 1 --activity 3.8 --sends   (~1.0M events)
#   large  holdout simulate --users 1000000 --seed 2 --activity 7.3 --sends   (~20M events, ~1 GB)
#
# Steps: build the release binary (swift build -c release); create bench/.venv and install the
# pinned DuckDB and pandas; generate each size's data into bench/data/SIZE if missing; check on a
# small edge-case fixture (bench/edge_cases.py) that DuckDB and pandas agree with Holdout on
# every timestamp form, quoting, de-duplication and boundary case; then, per size, RUNS rounds
# (interleaved) of:
#   holdout  .build/release/holdout report EXPERIMENT --out DIR   (the whole report)
#   duckdb   bench/duckdb_stats.py EXPERIMENT OUT.json  (bench/duckdb_stats.sql; default threads)
#   pandas   bench/pandas_stats.py EXPERIMENT OUT.json
#   cat      cat cohort.csv messages.csv events.csv > /dev/null
#   wc       wc -l cohort.csv messages.csv events.csv
# each timed by /usr/bin/time -f '%e %M' (wall seconds, peak RSS). The page cache is warmed first,
# so every tool reads from memory. bench/check_stats.py then checks that the DuckDB and pandas
# statistics equal Holdout's report.json (users, reached users, and per metric and arm n, sum,
# sum of squares, pre-period mean, and CUPED's θ, which needs the pre-period sums of squares and
# the sums of products). The table gives medians and ratios. Exits 1 if any check disagrees.
#
# Environment: RUNS (default 3); HOLDOUT_BIN=path skips the build and times that binary instead
# (for developing the harness; a real run builds).
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
echo "size,tool,run,wall_seconds,clock_seconds,peak_rss_kb" >"$timings"

# timed SIZE TOOL RUN COMMAND...: runs COMMAND under /usr/bin/time -f '%e %M' (wall seconds to
# 0.01 s, peak RSS in kB) and appends to timings.csv, with the same wall time from bash's
# microsecond clock (the floor commands take a few hundredths of a second on the small size).
timed() {
  local size=$1 tool=$2 run=$3 out start end wall rss clock
  shift 3
  out=$results/$size/time-$tool
  start=$EPOCHREALTIME
  if ! /usr/bin/time -f '%e %M' -o "$out" "$@" >"$results/$size/$tool.stdout" 2>"$results/$size/$tool.stderr"; then
    cat "$results/$size/$tool.stderr" "$out" >&2
    echo "error: $tool failed on $size" >&2
    exit 1
  fi
  end=$EPOCHREALTIME
  read -r wall rss <"$out"
  clock=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f", b - a }')
  echo "$size,$tool,$run,$wall,$clock,$rss" >>"$timings"
  awk -v r="$run" -v t="$tool" -v w="$wall" -v c="$clock" -v m="$rss" \
    'BEGIN { printf "  run %d  %-8s %8.2f s (clock %.4f s) %9.1f MB\n", r, t, w, c, m / 1024 }'
}

for size in "${sizes[@]}"; do
  data=$bench/data/$size
  exp=$data/experiment.json
  files=("$data/cohort.csv" "$data/messages.csv" "$data/events.csv")
  out=$results/$size
  rm -rf "$out"
  mkdir -p "$out"
  section "$size: $(du -cm "${files[@]}" | tail -1 | cut -f1) MB in ${files[*]##*/}"
  wc -l "${files[@]}" | sed 's/^/  /'
  cat "${files[@]}" >/dev/null  # warm the page cache
  for run in $(seq "$runs"); do
    timed "$size" holdout "$run" "$bin" report "$exp" --out "$out/holdout"
    timed "$size" duckdb "$run" "$py" "$bench/duckdb_stats.py" "$exp" "$out/duckdb.json"
    timed "$size" pandas "$run" "$py" "$bench/pandas_stats.py" "$exp" "$out/pandas.json"
    timed "$size" cat "$run" cat "${files[@]}"
    timed "$size" wc "$run" wc -l "${files[@]}"
  done
  echo
  "$py" "$bench/check_stats.py" "$out/holdout/report.json" "$out/duckdb.json" "$out/pandas.json" || failed=1
  section "$size: results (median of $runs runs)"
  "$py" "$bench/summarize.py" "$timings" "$size"
done

echo
echo "timings: $timings; outputs: $results/SIZE/"
if [ "$failed" -ne 0 ]; then
  echo "error: the tools disagree (see above)" >&2
  exit 1
fi
