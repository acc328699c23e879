#!/usr/bin/env bash
# Does the report's cost grow linearly with the events? Times the whole `holdout report` (release,
# default threads, median of 3) on simulated win-back experiments of 250k, 500k and 1M users at
# the large benchmark's activity (about 5M, 10M and 20M behaviour events), and prints seconds per
# million rows. Usage: bench/scaling.sh  (data goes to bench/data/scale-*; the 1M-user set is
# bench/data/large when present).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release >/dev/null
bin=.build/release/holdout
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '%-10s %12s %10s %10s %12s\n' users rows "median s" "peak MB" "s / M rows"
for users in 250000 500000 1000000; do
  dir=bench/data/scale-$users
  if [ "$users" = 1000000 ] && [ -f bench/data/large/experiment.json ]; then dir=bench/data/large; fi
  if [ ! -f "$dir/experiment.json" ]; then
    $bin simulate --users "$users" --seed 2 --activity 7.3 --sends --out "$dir" 2>/dev/null
  fi
  cat "$dir"/*.csv > /dev/null  # warm the page cache
  rows=$(cat "$dir"/cohort.csv "$dir"/messages.csv "$dir"/events.csv | wc -l)
  results=$(for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" "$bin" report "$dir/experiment.json" --out "$out/r" --quiet 2>&1 >/dev/null | tail -1
  done | sort -n)
  median=$(echo "$results" | sed -n 2p)
  seconds=${median% *}
  kb=${median#* }
  python3 -c "print(f'{$users:<10} {$rows:>12,} {$seconds:>10.2f} {$kb/1024:>10.0f} {$seconds/($rows/1e6):>12.3f}')"
done
