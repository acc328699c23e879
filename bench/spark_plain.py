#!/usr/bin/env python3
"""`holdout sql --dialect spark` against the plain Spark SQL a Spark user writes for the same
per-arm sums, on the same Parquet files, in one Spark session (local[2]), issue 27.

Usage: spark_plain.py HOLDOUT DATA_DIR WORK_DIR   (run with .build/warehouse-venv/bin/python)

DATA_DIR is a plain set (bench/run.sh's SIZE-shuffled: one timestamp form, no event ids). The CSV
files are typed by DuckDB (timestamps TIMESTAMPTZ, values DOUBLE; an unreadable time is NULL)
and written as Parquet; Spark reads those. The plain query is bench/duckdb_naive.py's earlier,
direct form in Spark SQL: the rows joined to the cohort, one GROUP BY per user with each metric's
window and pre-period, then the per-arm n, Σx, Σx², Σpre, Σpre², Σx·pre; no de-duplication, no
row accounting, no curves. `holdout sql`'s experiment maps message_id and event_id to null. Each
query runs once after a warm-up of both (the JVM and the Parquet footers); the times are the
queries alone. bench/check_stats.py checks the plain query's numbers against Holdout's
report.json of the same data; `holdout sql`'s result goes through report --aggregates and is
compared with the file path's report as .ci/warehouse does.
"""
import importlib.util
import json
import os
import subprocess
import sys
import time

holdout, data, work = sys.argv[1], sys.argv[2], sys.argv[3]
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(root, "bench"))
import experiment as bench_experiment  # noqa: E402
import duckdb  # noqa: E402

os.makedirs(work, exist_ok=True)
spec = json.load(open(f"{data}/experiment.json"))
for name in ("cohort", "messages", "events"):
    spec["inputs"][name] = os.path.abspath(f"{data}/{spec['inputs'][name]}")
spec["warehouse"] = {"tables": {"messages": {"name": "messages", "columns": {"message_id": None}},
                                "events": {"name": "events", "columns": {"event_id": None}}}}
experiment = f"{work}/experiment.json"
json.dump(spec, open(experiment, "w"), indent=2)

con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")
for name in ("cohort", "messages", "events"):
    if os.path.exists(f"{work}/{name}.parquet"):
        continue
    header = open(spec["inputs"][name]).readline().strip().split(",")
    select = ", ".join(f'TRY_CAST(trim("{c}") AS TIMESTAMPTZ) AS "{c}"' if c in ("entered_at", "timestamp")
                       else f'TRY_CAST(trim("{c}") AS DOUBLE) AS "{c}"' if c == "value" else f'"{c}"' for c in header)
    con.execute(f"COPY (SELECT {select} FROM read_csv('{spec['inputs'][name]}', all_varchar = true, header = true)) "
                f"TO '{work}/{name}.parquet' (FORMAT parquet)")

exp = bench_experiment.load(f"{data}/experiment.json")
as_of = f"unix_micros(TIMESTAMP '{exp['as_of'].replace('T', ' ').replace('Z', '')}')"
per_user, sums = [], []
for k, m in enumerate(exp["metrics"]):
    events = ", ".join("'" + e + "'" for e in m["events"])
    additive = m["kind"] in ("count", "revenue")
    unit = "1000000" if m["kind"] != "revenue" else "coalesce(r.v, 0)"
    post = f"r.event IN ({events}) AND r.dt >= {m['win_start']} AND r.dt < {m['win_end']}"
    pre = f"r.event IN ({events}) AND r.dt < 0 AND r.dt >= -{m['win_len']}"
    for name, cond in (("x", post), ("p", pre)):
        if additive:
            value = f"coalesce(sum(CASE WHEN {cond} THEN {unit} END), 0)"
            if m["cap"] is not None:
                value = f"least({value}, {m['cap']})"
        else:
            value = f"max(CASE WHEN {cond} THEN 1000000 ELSE 0 END)"
        per_user.append(f"CAST({value} AS DECIMAL(38,0)) AS {name}{k}")
    mature = f"u.t0 + {m['win_end']} <= {as_of}"
    def s(e):
        return f"coalesce(sum(CASE WHEN {mature} THEN {e} END), 0)"
    sums.append(f"sum(CASE WHEN {mature} THEN 1 ELSE 0 END) AS n{k}, {s(f'x{k}')} AS sx{k}, {s(f'x{k} * x{k}')} AS sxx{k}, "
                f"{s(f'p{k}')} AS sp{k}, {s(f'p{k} * p{k}')} AS spp{k}, {s(f'x{k} * p{k}')} AS sxp{k}")
exposure = ", ".join("'" + e + "'" for e in exp["exposure"]) or "NULL"
plain = f"""
WITH cohort_rows AS (
  SELECT user_id, unix_micros(entered_at) AS t0, arm FROM cohort WHERE unix_micros(entered_at) < {as_of}),
rows AS (
  SELECT user_id, event, unix_micros(`timestamp`) AS ts, CAST(round(value * 1000000) AS BIGINT) AS v FROM events
  UNION ALL
  SELECT user_id, event, unix_micros(`timestamp`) AS ts, CAST(NULL AS BIGINT) AS v FROM messages),
joined AS (
  SELECT c.user_id, r.event, r.ts - c.t0 AS dt, r.v FROM rows r JOIN cohort_rows c ON r.user_id = c.user_id WHERE r.ts < {as_of}),
per_user AS (
  SELECT c.user_id, c.arm, c.t0,
    max(CASE WHEN r.event IN ({exposure}) AND r.dt >= 0 THEN 1 ELSE 0 END) AS reached,
    {', '.join(per_user)}
  FROM cohort_rows c LEFT JOIN joined r ON r.user_id = c.user_id
  GROUP BY c.user_id, c.arm, c.t0)
SELECT u.arm, count(*) AS users, sum(u.reached) AS reached, {', '.join(sums)}
FROM per_user u GROUP BY u.arm ORDER BY u.arm
"""

spec_wh = importlib.util.spec_from_file_location("wh", f"{root}/.ci/warehouse.py")
wh = importlib.util.module_from_spec(spec_wh)
spec_wh.loader.exec_module(wh)
wh.HOLDOUT, wh.WORK = holdout, os.path.dirname(work)
script_path = f"{work}/spark.sql"
subprocess.run([holdout, "sql", experiment, "--dialect", "spark", "--out", script_path], check=True, capture_output=True)
script = open(script_path).read()
case = os.path.basename(work)
names = ("cohort", "messages", "events")


def run_plain():
    frame = wh.SPARK.sql(plain)
    started = time.time()
    rows = frame.collect()
    return time.time() - started, rows


def run_holdout():
    started = time.time()
    wh.on_spark(case, names, script, f"{work}/aggregates.csv")
    return time.time() - started


wh.on_spark(case, names, "SELECT 1", f"{work}/warmup.csv")  # JVM start, the temporary views
run_plain()
timings = {"plain Spark SQL": [], "holdout sql --dialect spark": []}
for _ in range(2):
    seconds, rows = run_plain()
    timings["plain Spark SQL"].append(seconds)
    timings["holdout sql --dialect spark"].append(run_holdout())

users, exposed, metric_rows = {}, {}, {}
for row in rows:
    users[row[0]], exposed[row[0]] = row[1], row[2]
    for k, m in enumerate(exp["metrics"]):
        metric_rows[(m["name"], row[0])] = tuple(int(v) for v in row[3 + 6 * k: 9 + 6 * k])
bench_experiment.write(f"{work}/spark-plain.json", "spark-plain", exp, users, exposed, metric_rows)
file_report = f"{work}/file-report.json"
with open(file_report, "w") as f:
    subprocess.run([holdout, "report", experiment, "--format", "json", "--quiet"], check=True, stdout=f)
check = subprocess.run([sys.executable, f"{root}/bench/check_stats.py", file_report, f"{work}/spark-plain.json"], capture_output=True, text=True)
print("plain Spark SQL numbers:", "equal to Holdout's" if check.returncode == 0 else "DIFFER\n" + check.stdout[-2000:])
subprocess.run([holdout, "report", experiment, "--aggregates", f"{work}/aggregates.csv", "--out", f"{work}/report"], check=True, capture_output=True)
problems = [p for p in wh.compare(file_report, f"{work}/report/report.json", {}) if "weekly" not in p]
print("holdout sql report:", "equal to the file path's" if not problems else "DIFFERS: " + "; ".join(problems[:5]))
for name, values in timings.items():
    print(f"{name}: {', '.join(f'{v:.1f}' for v in values)} s")
h, p = min(timings["holdout sql --dialect spark"]), min(timings["plain Spark SQL"])
print(f"ratio (best of 2): {h / p:.2f}x")
