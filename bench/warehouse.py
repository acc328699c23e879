#!/usr/bin/env python3
"""The warehouse path on a bench set (issue 12): the query `holdout sql` writes, run on DuckDB
and on Spark (local[2]), timed beside the file path on the same data, and the size of the
aggregates it returns. Run by bench/warehouse.sh (which builds, generates the data and makes
the venv); reuses .ci/warehouse.py's sync loader and comparison.

Usage: warehouse.py HOLDOUT DATA_DIR WORK_DIR ENGINES
Prints one line per step and a Markdown table; exits 1 if a report differs from the file path's.
"""
import collections
import csv
import importlib.util
import json
import os
import resource
import subprocess
import sys
import time

holdout, data, work, engines = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(",")
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
spec = importlib.util.spec_from_file_location("warehouse_check", f"{root}/.ci/warehouse.py")
wh = importlib.util.module_from_spec(spec)
spec.loader.exec_module(wh)
wh.HOLDOUT, wh.WORK = holdout, work
case = "bench"
case_dir = f"{work}/{case}"
os.makedirs(case_dir, exist_ok=True)
experiment = f"{data}/experiment.json"
rows = []


def timed(label, args, stdout):
    started = time.time()
    with open(stdout, "w") as f:
        result = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + args, stdout=f, stderr=subprocess.PIPE, text=True, check=True)
    wall, rss = result.stderr.strip().splitlines()[-1].split()
    rows.append((label, float(wall), int(rss) / 1024))
    print(f"{label}: {float(wall):.2f} s, {int(rss) / 1024:.0f} MiB (measured {time.time() - started:.1f} s)", flush=True)


sizes = {name: os.path.getsize(f"{data}/{name}.csv") for name in ("cohort", "messages", "events")}
lines = {name: sum(1 for _ in open(f"{data}/{name}.csv", "rb")) - 1 for name in sizes}
print(f"data: {lines['cohort']:,} users, {lines['messages']:,} messages, {lines['events']:,} events, "
      f"{sum(sizes.values()) / 1e9:.2f} GB of CSV", flush=True)

file_report = f"{case_dir}/file-report.json"
timed("file path: holdout report --format json (2 threads)", [holdout, "report", experiment, "--format", "json", "--quiet"], file_report)

import duckdb  # noqa: E402

started = time.time()
con = duckdb.connect(f"{case_dir}/warehouse.duckdb")
inputs = json.load(open(experiment))["inputs"]
files = {"cohort": f"{data}/{inputs['cohort']}", "messages": f"{data}/{inputs['messages']}", "events": f"{data}/{inputs['events']}"}
dropped = wh.load(con, files, json.load(open(experiment)).get("segments", []))
load_seconds = time.time() - started
print(f"load into DuckDB as a sync types it (not part of the query path): {load_seconds:.1f} s", flush=True)
if "spark" in engines:
    started = time.time()
    wh.export(con, case_dir, files.keys())
    print(f"export Parquet for Spark: {time.time() - started:.1f} s", flush=True)

failures = 0
for engine in engines:
    script_path = f"{case_dir}/{engine}.sql"
    script = wh.holdout_sql(experiment, engine, script_path)
    aggregates = f"{case_dir}/{engine}-aggregates.csv"
    if engine == "duckdb":
        started = time.time()
        wh.on_duckdb(con, script, aggregates)
        seconds = time.time() - started
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        threads = con.execute("SELECT current_setting('threads')").fetchall()[0][0]
        rows.append((f"DuckDB query (threads {threads}; tables in a DuckDB file)", seconds, rss))
    elif engine == "spark":
        started = time.time()
        wh.on_spark(case, files.keys(), "SELECT 1", f"{case_dir}/warmup.csv")
        startup = time.time() - started
        started = time.time()
        wh.on_spark(case, files.keys(), script, aggregates)
        seconds = time.time() - started
        rows.append((f"Spark query (local[2], Parquet; JVM start {startup:.0f} s not counted)", seconds, float("nan")))
    print(f"{engine}: {seconds:.2f} s", flush=True)
    report_dir = f"{case_dir}/{engine}-report"
    started = time.time()
    subprocess.run([holdout, "report", experiment, "--aggregates", aggregates, "--out", report_dir], check=True, capture_output=True)
    rows.append((f"holdout report --aggregates ({engine}'s result)", time.time() - started, float("nan")))
    problems = wh.compare(file_report, f"{report_dir}/report.json", dropped)
    print(f"{engine}: report {'equal to the file path' if not problems else 'DIFFERS: ' + '; '.join(problems[:5])}", flush=True)
    failures += bool(problems)
    sections = collections.Counter(r[0] for r in csv.reader(open(aggregates)))
    sections.pop("section", None)
    size = os.path.getsize(aggregates)
    print(f"{engine}: aggregates {sum(sections.values()):,} rows, {size / 1e6:.2f} MB: " +
          ", ".join(f"{k} {v:,}" for k, v in sorted(sections.items())), flush=True)

print("\n| step | wall s | peak RSS MiB |\n| --- | ---: | ---: |")
for label, seconds, rss in rows:
    print(f"| {label} | {seconds:.2f} | {'–' if rss != rss else f'{rss:.0f}'} |")
sys.exit(1 if failures else 0)
