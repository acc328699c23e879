#!/usr/bin/env bash
# In-process DEFLATE (issue 26): the Swift gzip decoder (Sources/Compression, one core, through
# DecompressingReader with 128 KiB reads, as the byte layer uses it) against `gzip -dc` and
# `pigz -dc`, all writing to /dev/null, on a JSON-lines file of about 300 MB (generated with a
# fixed seed, gzip -6). Median of 3 interleaved runs, page cache warm.
# Usage: bash bench/inflate.sh [MB]     or     bash bench/inflate.sh FILE.gz   (any gzip file)
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-300}
work=.build/bench-inflate
mkdir -p "$work"
command -v pigz >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pigz >/dev/null; }
data="$work/events-$mb.jsonl"
if [ -f "$mb" ]; then
  data="$work/$(basename "$mb" .gz)"
  gzip -dc "$mb" > "$data"
  [ "$mb" -ef "$data.gz" ] || cp "$mb" "$data.gz"
elif [ ! -s "$data.gz" ]; then
  echo "== generating $data ($mb MB) and gzip -6"
  python3 - "$mb" > "$data" <<'PY'
import random, sys
rng = random.Random(1)
target = int(sys.argv[1]) * 1_000_000
events = ["sent", "opened", "clicked", "order", "unsubscribe", "bounce"]
campaigns = ["winback-%d" % i for i in range(40)]
n, buf = 0, []
while n < target:
    line = '{"user_id":"u%08d","event":"%s","campaign":"%s","ts":"2026-%02d-%02dT%02d:%02d:%02dZ","value":%d.%02d}\n' % (
        rng.randrange(10**7), rng.choice(events), rng.choice(campaigns), rng.randint(1, 12), rng.randint(1, 28),
        rng.randrange(24), rng.randrange(60), rng.randrange(60), rng.randrange(500), rng.randrange(100))
    buf.append(line)
    n += len(line)
    if len(buf) == 10000:
        sys.stdout.write("".join(buf))
        buf = []
sys.stdout.write("".join(buf))
PY
  gzip -6 -c "$data" > "$data.gz"
fi
# The driver, built as .ci/compression builds it (swiftc -O, whole module).
out=.build/differential
driver="$out/compression-driver"
if [ ! -x "$driver" ] || [ -n "$(find Sources/Compression Tests/Differential -name '*.swift' -newer "$driver" | head -1)" ]; then
  mkdir -p "$out"
  swiftc -O -wmo -parse-as-library -module-name Compression -emit-module -emit-module-path "$out/Compression.swiftmodule" \
    -c Sources/Compression/*.swift -o "$out/Compression.o"
  swiftc -O -parse-as-library -module-name CompressionDriver -I "$out" Tests/Differential/CompressionDriver.swift \
    "$out/Compression.o" -o "$driver"
fi
"$driver" decode gzip "$data.gz" | cmp - "$data" || { echo "the Swift decoder's output differs from the original" >&2; exit 1; }
size=$(stat -c %s "$data")
csize=$(stat -c %s "$data.gz")
cat "$data.gz" > /dev/null
declare -A times
tools=("swift" "gzip" "pigz" "pigz-p1")
for round in 1 2 3; do
  for tool in "${tools[@]}"; do
    case $tool in
      swift) cmd=("$driver" decode gzip "$data.gz") ;;
      gzip) cmd=(gzip -dc "$data.gz") ;;
      pigz) cmd=(pigz -dc "$data.gz") ;;
      pigz-p1) cmd=(pigz -p 1 -dc "$data.gz") ;;
    esac
    t=$( { /usr/bin/time -f %e "${cmd[@]}" > /dev/null; } 2>&1 | tail -1)
    times[$tool]="${times[$tool]:-} $t"
  done
done
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $size bytes uncompressed, $csize gzip -6"
printf '| decoder | wall s (3 runs) | median s | MB/s of output |\n| --- | --- | ---: | ---: |\n'
for tool in "${tools[@]}"; do
  read -r -a runs <<< "${times[$tool]}"
  median=$(printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p)
  rate=$(python3 -c "print(round($size / 1e6 / $median))")
  printf '| %s | %s | %s | %s |\n' "$tool" "${runs[*]}" "$median" "$rate"
done
