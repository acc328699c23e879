#!/usr/bin/env bash
# Hostile-size inputs against the release binary: each case must finish within a stated memory
# bound or stop with an error naming the limit, never crash, hang or swap. Not run by CI or by
# `swift test` (it writes several GB into a scratch directory and takes minutes); the small
# versions of each limit's message are unit tests (LimitMessageTests).
#
# Usage: bench/limits.sh [CASE ...]   (default: all cases; from any directory)
#   longline   a CSV events file whose second line is 1 GiB      → exit 65, 16 MiB record limit
#   ids        10M distinct user ids and event ids in one events file → exit 0
#   segments   100k users in 10,000 segment values                → exit 0
#   deepjsonl  a JSON-lines source with a 100k-level line          → exit 0, that line rejected
#   deepexp    an experiment file nested 100k levels deep          → exit 65, 64-level limit
#   cohort     a cohort of 50M users (the limit is 100M)           → exit 0
#
# Each case prints: name, exit code, peak RSS (MB), wall seconds, the first 160 bytes of stderr.
# Environment: HOLDOUT_BIN=path skips the build; LIMITS_DIR=dir (default a fresh mktemp -d,
# deleted at the end); MAX_RSS_MB (default 16384) caps every
# case's own bound (a case above its bound, or with another exit code, makes the script exit 1).
# Bounds: 64 MB for the cases stopped by a limit, 512 MB for 10M ids (8-byte de-duplication keys
# plus the per-user state of unknown users, which is none), 256 MB for 10,000 segment values,
# and 160 bytes per cohort user (8,000 MB at 50M) for the cohort.
set -uo pipefail
export LC_ALL=C

root=$(cd "$(dirname "$0")/.." && pwd)
if [[ -z "${HOLDOUT_BIN:-}" ]]; then
  (cd "$root" && swift build -c release >/dev/null) || exit 1
  HOLDOUT_BIN="$root/.build/release/holdout"
fi
bin=$HOLDOUT_BIN
timer=/usr/bin/time
[[ -x $timer ]] || { echo "needs /usr/bin/time (Debian: apt-get install time)" >&2; exit 1; }
dir=${LIMITS_DIR:-$(mktemp -d /tmp/holdout-limits.XXXXXX)}
mkdir -p "$dir"
trap '[[ -z "${LIMITS_DIR:-}" ]] && rm -rf "$dir"' EXIT
max_rss=${MAX_RSS_MB:-16384}
failed=0

# measure NAME EXPECTED_EXIT BOUND_MB COMMAND...: runs the command under /usr/bin/time, prints
# one line; a different exit code or a peak RSS above BOUND_MB (or MAX_RSS_MB) fails the case.
measure() {
  local name=$1 expected=$2 bound=$3
  shift 3
  ((bound > max_rss)) && bound=$max_rss
  "$timer" -f '%x %M %e' -o "$dir/time" "$@" >"$dir/out" 2>"$dir/err"
  # GNU time puts "Command exited with non-zero status N" before the format's line.
  read -r code rss wall < <(tail -n 1 "$dir/time")
  local mb=$((rss / 1024)) verdict=ok
  if [[ "$code" != "$expected" ]]; then verdict="FAIL (expected exit $expected)"; failed=1; fi
  if ((mb > bound)); then verdict="FAIL (over $bound MB)"; failed=1; fi
  printf '%-10s exit %-3s %6s MB (bound %5s) %7s s  %s  %s\n' "$name" "$code" "$mb" "$bound" "$wall" "$verdict" \
    "$(head -c 160 "$dir/err" | tr '\n' ' ')"
}

# experiment KEYS...: writes $dir/exp.json reading $dir/cohort.csv and $dir/events.*.
experiment() {
  local events=$1 segments=${2:-[]}
  cat >"$dir/exp.json" <<EOF
{"key": "limits", "arms": [{"name": "holdout", "weight": 0.5, "control": true}, {"name": "sms", "weight": 0.5}],
 "inputs": {"cohort": "cohort.csv", "events": $events}, "as_of": "2026-03-01",
 "metrics": [{"name": "orders", "kind": "count", "event": "order", "window_days": 14}],
 "segments": $segments}
EOF
}

small_cohort() {
  awk 'BEGIN { print "user_id,entered_at,tier"; for (i = 1; i <= 1000; i++) print "u" i ",2026-01-01," (i % 3) }' \
    >"$dir/cohort.csv"
}

case_longline() {
  small_cohort
  experiment '"events.csv"'
  { printf 'user_id,event,timestamp\nu1,order,2026-01-02,'
    head -c $((1 << 30)) /dev/zero | tr '\0' x
    printf '\nu2,order,2026-01-02\n'; } >"$dir/events.csv"
  measure longline 65 64 "$bin" report "$dir/exp.json" --format json --quiet
  rm -f "$dir/events.csv"
}

case_ids() {
  small_cohort
  experiment '"events.csv"'
  awk 'BEGIN { print "user_id,event,timestamp,value,event_id"
    for (i = 1; i <= 10000000; i++) print "u" i ",order,2026-01-02T00:00:00Z,1,e" i }' >"$dir/events.csv"
  measure ids 0 512 "$bin" report "$dir/exp.json" --format json --quiet
  rm -f "$dir/events.csv"
}

case_segments() {
  awk 'BEGIN { print "user_id,entered_at,tier"; for (i = 1; i <= 100000; i++) print "u" i ",2026-01-01,s" (i % 10000) }' \
    >"$dir/cohort.csv"
  experiment '"events.csv"' '["tier"]'
  awk 'BEGIN { print "user_id,event,timestamp"; for (i = 1; i <= 100000; i += 3) print "u" i ",order,2026-01-02" }' \
    >"$dir/events.csv"
  measure segments 0 256 "$bin" report "$dir/exp.json" --out "$dir/segments-report" --quiet
  ls -l "$dir/segments-report" | awk 'NR > 1 { printf "           %s %s bytes\n", $9, $5 }'
  rm -rf "$dir/segments-report" "$dir/events.csv"
}

case_deepjsonl() {
  small_cohort
  experiment '{"path": "events.jsonl", "format": "jsonl", "id": "uid", "fields": {"time": "t"}, "event": "order"}'
  { echo '{"uid":"u1","t":"2026-01-02T00:00:00Z"}'
    printf '{"uid":"u2","t":"2026-01-02T00:00:00Z","deep":'
    head -c 100000 /dev/zero | tr '\0' '['
    head -c 100000 /dev/zero | tr '\0' ']'
    echo '}'
    echo '{"uid":"u3","t":"2026-01-02T00:00:00Z"}'; } >"$dir/events.jsonl"
  measure deepjsonl 0 64 "$bin" report "$dir/exp.json" --format json --quiet
  grep -o '"events.jsonl:2: [^"]*"' "$dir/out" | head -n 1 | sed 's/^/           /'
  rm -f "$dir/events.jsonl"
}

case_deepexp() {
  { printf '{"key": "deep", "x": '
    head -c 100000 /dev/zero | tr '\0' '['
    head -c 100000 /dev/zero | tr '\0' ']'
    echo '}'; } >"$dir/deep.json"
  measure deepexp 65 64 "$bin" report "$dir/deep.json"
  rm -f "$dir/deep.json"
}

case_cohort() {
  awk 'BEGIN { print "user_id,entered_at"; for (i = 1; i <= 50000000; i++) print "user-" i ",2026-01-01" }' \
    >"$dir/cohort.csv"
  experiment '"events.csv"'
  awk 'BEGIN { print "user_id,event,timestamp"; for (i = 1; i <= 50000000; i += 50) print "user-" i ",order,2026-01-02" }' \
    >"$dir/events.csv"
  measure cohort 0 8000 "$bin" report "$dir/exp.json" --format json --quiet
  rm -f "$dir/cohort.csv" "$dir/events.csv"
}

cases=("$@")
((${#cases[@]})) || cases=(longline ids segments deepjsonl deepexp cohort)
echo "binary: $bin; scratch: $dir; bound: $max_rss MB"
for c in "${cases[@]}"; do
  if declare -F "case_$c" >/dev/null; then "case_$c"; else echo "unknown case $c" >&2; failed=1; fi
done
exit $failed
