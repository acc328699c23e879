#!/usr/bin/env bash
# `holdout report DIR` over several journeys that read the same message and event exports,
# against reporting each journey on its own (what the program mode did before it shared reads,
# and what a user runs one experiment file at a time). Release build, median of RUNS (default 3)
# interleaved rounds; checks that each journey's report from the directory is byte-identical to
# its report alone.
#
# The journeys: JOURNEYS (default 3) copies of the large shuffled plain set's win-back experiment
# (bench/data/large-shuffled, made by `bench/run.sh large`; ORDERS=shuffled is enough), each
# under its own key and a cutoff one week earlier than the one before, all reading the same
# cohort, messages.csv and events.csv by absolute path.
# Usage: bench/program.sh
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
root=$(pwd)
data=$root/bench/data/large-shuffled
[ -f "$data/experiment.json" ] || {
  echo "error: $data is missing; run ORDERS=shuffled bench/run.sh large first" >&2
  exit 66
}
swift build -c release >/dev/null
bin=$root/.build/release/holdout
runs=${RUNS:-3}
journeys=${JOURNEYS:-3}
work=$root/bench/data/program
rm -rf "$work"
mkdir -p "$work/journeys" "$work/out"
for k in $(seq "$journeys"); do
  as_of=$(date -u -d "2026-11-16 - $(((k - 1) * 7)) days" +%Y-%m-%dT%H:%M:%SZ)
  sed -e "s|\"key\": \"winback-2026\"|\"key\": \"journey-$k\"|" -e "s|2026-11-16T00:00:00Z|$as_of|" \
    -e "s|\"cohort.csv\"|\"$data/cohort.csv\"|" -e "s|\"messages.csv\"|\"$data/messages.csv\"|" \
    -e "s|\"events.csv\"|\"$data/events.csv\"|" "$data/experiment.json" >"$work/journeys/journey-$k.json"
done
cat "$data"/*.csv >/dev/null  # warm the page cache
timings=$work/timings.txt
: >"$timings"
for run in $(seq "$runs"); do
  /usr/bin/time -f "dir %e %M %U %S" -a -o "$timings" "$bin" report "$work/journeys" --out "$work/out/dir" \
    >/dev/null 2>"$work/dir.stderr"
  start=$EPOCHREALTIME
  peak=0 cpu=0
  for k in $(seq "$journeys"); do
    /usr/bin/time -f "%M %U %S" -o "$work/one" "$bin" report "$work/journeys/journey-$k.json" \
      --out "$work/out/alone-$k" --quiet
    read -r rss user system <"$work/one"
    peak=$((rss > peak ? rss : peak))
    cpu=$(awk -v a="$cpu" -v u="$user" -v s="$system" 'BEGIN { print a + u + s }')
  done
  wall=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
  echo "alone $wall $peak $cpu 0" >>"$timings"
done
failed=0
for k in $(seq "$journeys"); do
  for f in report.md report.json report.html; do
    cmp -s "$work/out/dir/journey-$k/$f" "$work/out/alone-$k/$f" \
      || { echo "error: journey-$k/$f differs between report DIR and the journey alone" >&2; failed=1; }
  done
done
grep '^read ' "$work/dir.stderr" || true
echo "$journeys journeys over $(du -cm "$data"/*.csv | tail -1 | cut -f1) MB, median of $runs:"
for what in dir alone; do
  grep "^$what " "$timings" | sort -k2 -n | awk -v n="$runs" -v w="$what" '
    { wall[NR] = $2; rss[NR] = $3; cpu[NR] = $4 + $5 }
    END { m = int((n + 1) / 2); label = (w == "dir") ? "report DIR (shared reads)" : "each journey alone, in turn"
          printf "  %-30s %7.2f s  %8.1f CPU-s  peak %6.0f MB\n", label, wall[m], cpu[m], rss[m] / 1024 }'
done
exit $failed
