#!/usr/bin/env bash
# JSON-lines vs CSV throughput on the same events, in release: a simulated win-back experiment
# whose events file is given once as Holdout's CSV and once as JSON lines (format "jsonl" with a
# nested field mapping). Two measures, median of 3 each:
#   parse:  `holdout inspect --experiment X --summary` (read, parse, extract, dedup every record
#           of the messages and events sources; no join) — the parser's own throughput;
#   report: the whole `holdout report` (parse, join, statistics, rendering).
# Usage: bench/json_vs_csv.sh [USERS] (default 300000).
set -euo pipefail
cd "$(dirname "$0")/.."
users=${1:-300000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
swift build -c release >/dev/null
bin=.build/release/holdout
$bin simulate --users "$users" --seed 5 --out "$work/csv" 2>/dev/null
mkdir -p "$work/json"
cp "$work/csv/cohort.csv" "$work/csv/messages.csv" "$work/json/"
python3 - "$work/csv/events.csv" "$work/json/events.jsonl" <<'PY'
import csv, json, sys
with open(sys.argv[1], newline='') as f, open(sys.argv[2], 'w') as out:
    rows = csv.reader(f)
    header = next(rows)
    for row in rows:
        if len(row) != len(header):
            out.write('{"broken": true\n')  # keep the file's bad rows bad
            continue
        record = dict(zip(header, row))
        value = record.pop("value")
        if value:
            try:
                record["amount"] = {"value": float(value)} if value.replace('.', '', 1).lstrip('-').isdigit() else {"value": value}
            except ValueError:
                record["amount"] = {"value": value}
        out.write(json.dumps(record, separators=(',', ':')) + "\n")
PY
sed 's/"events": "events.csv"/"events": {"path": "events.jsonl", "format": "jsonl", "id": "user_id", "fields": {"event": "event", "time": "timestamp", "value": "amount.value", "dedup": ["event_id"]}}/' \
  "$work/csv/experiment.json" > "$work/json/experiment.json"
csv_bytes=$(stat -c %s "$work/csv/events.csv")
json_bytes=$(stat -c %s "$work/json/events.jsonl")
rows=$(wc -l < "$work/csv/events.csv")
median() { sort -n | sed -n 2p; }
time_run() {
  for _ in 1 2 3; do
    /usr/bin/time -f "%e" "$bin" report "$1" --out "$work/out-$2" 2>&1 >/dev/null | tail -1
  done | median
}
parse_run() {
  for _ in 1 2 3; do
    /usr/bin/time -f "%e" "$bin" inspect --experiment "$1" --summary --rows 1 2>&1 >/dev/null | tail -1
  done | median
}
csv_parse=$(parse_run "$work/csv/experiment.json")
json_parse=$(parse_run "$work/json/experiment.json")
csv_time=$(time_run "$work/csv/experiment.json" csv)
json_time=$(time_run "$work/json/experiment.json" json)
cmp -s "$work/out-csv/report.json" "$work/out-json/report.json" && same="identical" || same="DIFFERENT (expected: file names differ)"
echo "events: $rows rows; CSV $((csv_bytes / 1048576)) MiB, JSON lines $((json_bytes / 1048576)) MiB"
echo "parse (inspect --summary), median of 3: CSV ${csv_parse} s, JSON lines ${json_parse} s"
python3 -c "c=$csv_parse; j=$json_parse; print(f'parse JSON/CSV time ratio {j/c:.2f}')"
echo "holdout report, median of 3: CSV ${csv_time} s, JSON lines ${json_time} s"
python3 -c "c=$csv_time; j=$json_time; print(f'JSON/CSV time ratio {j/c:.2f}; events/s CSV {$rows/c:,.0f}, JSON {$rows/j:,.0f}; MiB/s CSV {$csv_bytes/1048576/c:.0f}, JSON {$json_bytes/1048576/j:.0f}')"
diff <(grep -v '"file"' "$work/out-csv/report.json") <(grep -v '"file"' "$work/out-json/report.json") | head -20 || true
