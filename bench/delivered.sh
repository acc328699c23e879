#!/usr/bin/env bash
# Exports as delivered (issue 26), release build, page cache warm, median of 3 interleaved runs:
#  1. the report over the large simulated set (300,000 users, --activity 7.3 --sends) with its
#     messages and events each cut into 8,760 hourly CSV files (date=YYYY-MM-DD-HH/ folders, a
#     header in each, rows in the same order) against the same rows in one file, 2 threads and 1;
#  2. the events as Avro (null and deflate codecs, written by fastavro) against the same rows as
#     JSON lines and as CSV, each read by `holdout inspect --experiment --summary` (parse only) and
#     by the whole report.
# The answers must agree: the script compares every result of report.json (not the Data section).
# Usage: bash bench/delivered.sh [USERS]   (installs fastavro into .build/bench-venv if absent)
set -euo pipefail
cd "$(dirname "$0")/.."
users=${1:-300000}
work=$PWD/.build/bench-delivered
mkdir -p "$work"
swift build -c release >/dev/null
bin=$PWD/.build/release/holdout
venv=.build/bench-venv
[ -x "$venv/bin/python" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q fastavro==1.9.7; }
if [ ! -s "$work/one/events.csv" ]; then
  rm -rf "$work/one" "$work/hourly" "$work/avro"
  "$bin" simulate --users "$users" --seed 2 --activity 7.3 --sends --out "$work/one" >/dev/null
  "$venv/bin/python" - "$work" <<'PY'
import csv, datetime, json, os, sys
import fastavro
work = sys.argv[1]
start = datetime.datetime(2025, 11, 16)
for name in ("messages", "events"):
    with open(f"{work}/one/{name}.csv", newline="") as f:
        lines = f.readlines()
    header, rows = lines[0], lines[1:]
    n = len(rows)
    for k in range(8760):
        hour = start + datetime.timedelta(hours=k)
        folder = f"{work}/hourly/{name}/date={hour:%Y-%m-%d-%H}"
        os.makedirs(folder, exist_ok=True)
        with open(f"{folder}/part-00000.csv", "w") as out:
            out.write(header)
            out.writelines(rows[k * n // 8760:(k + 1) * n // 8760])
# Avro and JSON lines of the events: every field a string (nullable), as the CSV has them.
with open(f"{work}/one/events.csv", newline="") as f:
    reader = csv.reader(f)
    header = next(reader)
    records = [dict(zip(header, [v if v != "" else None for v in row])) for row in reader if len(row) == len(header)]
schema = fastavro.parse_schema({"type": "record", "name": "Event", "fields": [
    {"name": h, "type": ["null", "string"], "default": None} for h in header]})
os.makedirs(f"{work}/avro", exist_ok=True)
for codec in ("null", "deflate"):
    with open(f"{work}/avro/events-{codec}.avro", "wb") as out:
        fastavro.writer(out, schema, records, codec=codec, sync_interval=256 * 1024)
with open(f"{work}/avro/events.jsonl", "w") as out:
    for r in records:
        out.write(json.dumps(r, separators=(",", ":")) + "\n")
with open(f"{work}/avro/events.csv", "w") as out:
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    for r in records:
        w.writerow(["" if r[h] is None else r[h] for h in header])
PY
fi
exp=$(cat "$work/one/experiment.json")
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
e = json.load(open(f"{work}/one/experiment.json"))
def write(path, messages, events):
    x = dict(e)
    x["inputs"] = dict(e["inputs"], cohort=f"{work}/one/cohort.csv", messages=messages, events=events)
    json.dump(x, open(path, "w"), indent=1)
write(f"{work}/one.json", f"{work}/one/messages.csv", f"{work}/one/events.csv")
write(f"{work}/hourly.json", f"{work}/hourly/messages/", f"{work}/hourly/events/")
mapping = {"format": "jsonl", "id": "user_id", "fields": {"event": "event", "time": "timestamp", "value": "value", "dedup": ["event_id"]}}
write(f"{work}/csv.json", f"{work}/one/messages.csv", f"{work}/avro/events.csv")
write(f"{work}/jsonl.json", f"{work}/one/messages.csv", dict(mapping, path=f"{work}/avro/events.jsonl"))
write(f"{work}/avro-null.json", f"{work}/one/messages.csv", dict(mapping, path=f"{work}/avro/events-null.avro"))
write(f"{work}/avro-deflate.json", f"{work}/one/messages.csv", dict(mapping, path=f"{work}/avro/events-deflate.avro"))
PY
# Warm the page cache with every input first (after a build, the hourly tree's 17,520 files were
# partly out of this VM's ~4 GB page cache, and the first rounds read them from disk).
find "$work/one" "$work/hourly" "$work/avro" -type f -print0 | xargs -0 cat > /dev/null
run() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; }
median() { sort -n | sed -n 2p; }
declare -A wall rss
cases=(one hourly csv jsonl avro-null avro-deflate)
for round in 1 2 3; do
  for c in "${cases[@]}"; do
    for t in 2 1; do
      case $c in one|hourly) ;; *) [ "$t" = 2 ] || continue ;; esac
      read -r s m < <(run "$bin" report "$work/$c.json" --threads "$t" --out "$work/out-$c-$t")
      wall[$c-$t]+="$s "; rss[$c-$t]+="$m "
      if [ "$t" = 2 ]; then
        read -r s m < <(run "$bin" inspect --experiment "$work/$c.json" --summary --rows 1)
        wall[$c-parse]+="$s "
      fi
    done
  done
done
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
def results(c, t):
    # Everything but the Data section and the checks' measured text and examples, which name
    # files (events.csv:12 against events/date=…/part-00000.csv:3): the same rows, other names.
    r = json.load(open(f"{work}/out-{c}-{t}/report.json"))
    r.pop("data", None); r.pop("experiment", None); r.pop("generated", None)
    for check in r.get("checks", {}).get("checks", []):
        check.pop("measured", None); check.pop("examples", None)
    return json.dumps(r, sort_keys=True)
base = results("one", 2)
for c, t in [("one", 1), ("hourly", 2), ("hourly", 1)]:
    print(f"results {c} threads {t}: {'identical' if results(c, t) == base else 'DIFFERENT'} to one file, 2 threads")
fmt = results("csv", 2)
for c in ("jsonl", "avro-null", "avro-deflate"):
    print(f"results {c}: {'identical' if results(c, 2) == fmt else 'DIFFERENT'} to csv")
PY
for k in one-2 hourly-2 one-1 hourly-1 csv-2 jsonl-2 avro-null-2 avro-deflate-2 csv-parse jsonl-parse avro-null-parse avro-deflate-parse one-parse hourly-parse; do
  w=$(echo ${wall[$k]} | tr ' ' '\n' | median)
  m=$(echo ${rss[$k]:-0 0 0} | tr ' ' '\n' | median)
  echo "$k wall_s=$w (${wall[$k]}) peak_rss_kb=$m"
done
du -sb "$work/one/events.csv" "$work/avro/"* "$work/hourly/events" | sed 's|'"$work"'/||'
