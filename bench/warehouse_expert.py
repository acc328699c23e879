#!/usr/bin/env python3
"""`holdout sql --dialect duckdb` against the plain query a DuckDB expert writes for the same
per-arm sums (bench/duckdb_naive.py), on the same plain exports (bench/run.sh's
bench/data/SIZE-shuffled: one ISO-8601 timestamp form, no event ids), issue 27.

Usage: warehouse_expert.py HOLDOUT DATA_DIR WORK_DIR [ROUNDS]   (run with bench/.venv/bin/python)

Two ways, as the issue asks: over views of the CSV files (typed read_csv, the same types the
expert query gives) and over tables loaded first (CREATE TABLE AS; the load is not timed).
Each query runs in its own process, 2 threads and 1, rounds interleaved; the printed times are
the query alone (execute and fetch), the memory the process's peak RSS (/usr/bin/time). The
experiment file gives the warehouse `message_id` and `event_id` as null (the plain exports have
none), so neither side de-duplicates. The script's result goes through `holdout report
--aggregates` and must equal the file path's report.json (.ci/warehouse.py's comparison).
"""
import importlib.util
import json
import os
import statistics
import subprocess
import sys

holdout, data, work = sys.argv[1], sys.argv[2], sys.argv[3]
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 3
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
py = sys.executable
os.makedirs(work, exist_ok=True)

spec = json.load(open(f"{data}/experiment.json"))
for name in ("cohort", "messages", "events"):
    spec["inputs"][name] = os.path.abspath(f"{data}/{spec['inputs'][name]}")
spec["warehouse"] = {"tables": {"messages": {"name": "messages", "columns": {"message_id": None}},
                                "events": {"name": "events", "columns": {"event_id": None}}}}
experiment = f"{work}/experiment.json"
json.dump(spec, open(experiment, "w"), indent=2)
script = f"{work}/duckdb.sql"
subprocess.run([holdout, "sql", experiment, "--dialect", "duckdb", "--out", script], check=True, capture_output=True)

TYPES = {"entered_at": "TIMESTAMPTZ", "timestamp": "TIMESTAMPTZ", "value": "DOUBLE"}


def read_csv(path):
    header = open(path).readline().strip().split(",")
    columns = ", ".join(f"'{c}': '{TYPES.get(c, 'VARCHAR')}'" for c in header)
    return f"read_csv('{path}', header = true, auto_detect = false, columns = {{{columns}}})"


runner = f"""
import duckdb, sys, time, csv
con = duckdb.connect()
con.execute("SET threads = " + sys.argv[1])
kind = sys.argv[2]
sources = {json.dumps({n: read_csv(spec['inputs'][n]) for n in ('cohort', 'messages', 'events')})}
for name, source in sources.items():
    con.execute(("CREATE TABLE " if kind == "loaded" else "CREATE VIEW ") + name + " AS SELECT * FROM " + source)
q = open(sys.argv[3]).read().rstrip().rstrip(";")
t = time.time()
rel = con.execute(q)
rows = rel.fetchall()
print(f"query: {{time.time() - t:.2f}} s")
with open(sys.argv[4], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow([d[0] for d in rel.description])
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
"""
open(f"{work}/runner.py", "w").write(runner)


def timed(args):
    r = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + args, capture_output=True, text=True, check=True)
    query = float([l for l in r.stdout.splitlines() if l.startswith("query:")][-1].split()[1])
    wall, rss = r.stderr.strip().splitlines()[-1].split()
    return query, int(rss) / 1024


results = {}
expert = os.path.join(root, "bench", "duckdb_naive.py")
for k in range(rounds):
    for threads in ("2", "1"):
        for kind in ("views", "loaded"):
            out = f"{work}/aggregates-{kind}-{threads}.csv"
            results.setdefault(("holdout sql", kind, threads), []).append(timed([py, f"{work}/runner.py", threads, kind, script, out]))
            args = [py, expert, f"{data}/experiment.json", f"{work}/expert-{kind}-{threads}.json", threads] + (["--loaded"] if kind == "loaded" else [])
            results.setdefault(("expert query", kind, threads), []).append(timed(args))
    print(f"round {k + 1} done", flush=True)

# The warehouse result must be the file path's report.
spec_wh = importlib.util.spec_from_file_location("wh", f"{root}/.ci/warehouse.py")
wh = importlib.util.module_from_spec(spec_wh)
spec_wh.loader.exec_module(wh)
file_report = f"{work}/file-report.json"
with open(file_report, "w") as f:
    subprocess.run([holdout, "report", experiment, "--format", "json", "--quiet"], check=True, stdout=f)
problems = []
for kind in ("views", "loaded"):
    out = f"{work}/report-{kind}"
    subprocess.run([holdout, "report", experiment, "--aggregates", f"{work}/aggregates-{kind}-2.csv", "--out", out], check=True, capture_output=True)
    problems += [f"{kind}: {p}" for p in wh.compare(file_report, f"{out}/report.json", {}) if "weekly" not in p]
print("reports:", "equal to the file path's" if not problems else "DIFFER: " + "; ".join(problems[:6]))
print("\n| query | over | threads | query s (median) | peak RSS MiB (median) |\n| --- | --- | ---: | ---: | ---: |")
for (name, kind, threads), values in sorted(results.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][0])):
    print(f"| {name} | {kind} | {threads} | {statistics.median(v[0] for v in values):.2f} | {statistics.median(v[1] for v in values):.0f} |")
for kind in ("views", "loaded"):
    for threads in ("2", "1"):
        h = statistics.median(v[0] for v in results[("holdout sql", kind, threads)])
        e = statistics.median(v[0] for v in results[("expert query", kind, threads)])
        hm = statistics.median(v[1] for v in results[("holdout sql", kind, threads)])
        em = statistics.median(v[1] for v in results[("expert query", kind, threads)])
        print(f"ratio over {kind}, {threads} thread(s): time {h / e:.2f}x, memory {hm / em:.2f}x")
sys.exit(1 if problems else 0)
