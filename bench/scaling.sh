#!/usr/bin/env bash
# Does the report's cost grow linearly with the events? Times the whole `holdout report` (release,
# default threads, median of 5) on simulated win-back experiments of 250k, 500k and 1M users at
# the large benchmark's activity (about 5M, 10M and 20M behaviour events), and prints seconds per
# million rows and the ratio to the half size. RUNS=N sets the rounds (default 5; median). The
# simulator writes messages and events in shuffled order (not grouped by user), so every size is
# the shuffled case.
# Usage: bench/scaling.sh  (data goes to bench/data/scale-*; the 1M-user set is bench/data/large
# when present).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release >/dev/null
bin=.build/release/holdout
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Rounds interleave the sizes (250k, 500k, 1M, 250k, …) so that a slow spell of this shared
# machine lands on every size alike instead of on whichever size was running.
runs=${RUNS:-5}
sizes=(250000 500000 1000000)
declare -A dirs rows
for users in "${sizes[@]}"; do
  dir=bench/data/scale-$users
  if [ "$users" = 1000000 ] && [ -f bench/data/large/experiment.json ]; then dir=bench/data/large; fi
  if [ ! -f "$dir/experiment.json" ]; then
    $bin simulate --users "$users" --seed 2 --activity 7.3 --sends --out "$dir" 2>/dev/null
  fi
  cat "$dir"/*.csv > /dev/null  # warm the page cache
  dirs[$users]=$dir
  rows[$users]=$(cat "$dir"/cohort.csv "$dir"/messages.csv "$dir"/events.csv | wc -l)
done
for run in $(seq "$runs"); do
  for users in "${sizes[@]}"; do
    /usr/bin/time -f "%e %M" -o "$out/time" "$bin" report "${dirs[$users]}/experiment.json" --out "$out/r" --quiet >/dev/null
    echo "$(cat "$out/time")" >> "$out/times-$users"
  done
done
printf '%-10s %12s %10s %10s %12s %14s\n' users rows "median s" "peak MB" "s / M rows" "vs half size"
previous=""
for users in "${sizes[@]}"; do
  median=$(sort -n "$out/times-$users" | sed -n "$(( (runs + 1) / 2 ))p")
  seconds=${median% *}
  kb=${median#* }
  python3 -c "
rows, s, kb, prev = ${rows[$users]}, $seconds, $kb, '$previous'
ratio = f'{s / float(prev):.2f}x' if prev else ''
print(f'{$users:<10} {rows:>12,} {s:>10.2f} {kb/1024:>10.0f} {s/(rows/1e6):>12.3f} {ratio:>14}')"
  previous=$seconds
done
