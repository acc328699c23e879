#!/usr/bin/env python3
"""`holdout sql --dialect postgres` against the plain PostgreSQL query for the same per-arm sums,
on the same loaded tables, issue 27 ("PostgreSQL: the same ratio on the small set").

Usage: postgres_plain.py HOLDOUT DATA_DIR WORK_DIR [ROUNDS]
       (run by bench/postgres.sh, which starts the server and sets PG_SOCKET; the Python is
       .build/warehouse-venv's, for DuckDB)

DATA_DIR is a plain set (bench/run.sh's SIZE-shuffled: one timestamp form, no event ids). DuckDB
types the CSV files as bench/spark_plain.py does (an unreadable time becomes NULL, as
PostgreSQL's typed columns cannot hold it) and writes them again; psql's \\copy loads them into
typed tables (TEXT, TIMESTAMPTZ, DOUBLE PRECISION), then ANALYZE. Neither query's load is timed.

The plain query is bench/duckdb_naive.py's expert statement with PostgreSQL's spelling
(epoch microseconds by EXTRACT, NUMERIC for the wide sums): typed columns, the event name mapped
once to a small code, one join of the rows to the cohort, one GROUP BY per user with a bitmask and
filtered sums, then per-arm sums. `holdout sql`'s script runs as written, its
`SET enable_nestloop = off` included (the plain query runs without it: PostgreSQL's default plan
for it is already hash joins). Each query is one `psql -f` process; its wall time is timed, the
rounds interleaved, medians printed. The plain query's numbers are checked by
bench/check_stats.py against Holdout's report.json of the same data; `holdout sql`'s result goes
through `report --aggregates` and is compared with the file path's report as .ci/warehouse does.
"""
import importlib.util
import json
import os
import re
import statistics
import subprocess
import sys
import time

holdout, data, work = sys.argv[1], sys.argv[2], sys.argv[3]
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 3
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(root, "bench"))
import duckdb  # noqa: E402
import duckdb_naive  # noqa: E402
import experiment as bench_experiment  # noqa: E402

socket = os.environ["PG_SOCKET"]
psql = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", socket, "-U", "postgres", "-d", "bench"]
os.makedirs(work, exist_ok=True)
spec = json.load(open(f"{data}/experiment.json"))
for name in ("cohort", "messages", "events"):
    spec["inputs"][name] = os.path.abspath(f"{data}/{spec['inputs'][name]}")
spec["warehouse"] = {"tables": {"messages": {"name": "messages", "columns": {"message_id": None}},
                                "events": {"name": "events", "columns": {"event_id": None}}}}
experiment = f"{work}/experiment.json"
json.dump(spec, open(experiment, "w"), indent=2)

# Typed copies of the CSV files, loaded into PostgreSQL.
con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")
subprocess.run(["psql", "-X", "-q", "-h", socket, "-U", "postgres", "-d", "postgres", "-c", "DROP DATABASE IF EXISTS bench"], check=True)
subprocess.run(["psql", "-X", "-q", "-h", socket, "-U", "postgres", "-d", "postgres", "-c", "CREATE DATABASE bench"], check=True)
for name in ("cohort", "messages", "events"):
    header = open(spec["inputs"][name]).readline().strip().split(",")
    kinds = {c: "TIMESTAMPTZ" if c in ("entered_at", "timestamp") else "DOUBLE PRECISION" if c == "value" else "TEXT" for c in header}
    select = ", ".join(f'TRY_CAST(trim("{c}") AS TIMESTAMPTZ) AS "{c}"' if kinds[c] == "TIMESTAMPTZ"
                       else f'TRY_CAST(trim("{c}") AS DOUBLE) AS "{c}"' if kinds[c] != "TEXT" else f'"{c}"' for c in header)
    typed = f"{work}/{name}.typed.csv"
    con.execute(f"COPY (SELECT {select} FROM read_csv('{spec['inputs'][name]}', all_varchar = true, header = true)) "
                f"TO '{typed}' (FORMAT csv, HEADER)")
    columns = ", ".join(f'"{c}" {kinds[c]}' for c in header)
    subprocess.run(psql + ["-c", f'CREATE TABLE "{name}" ({columns})'], check=True)
    subprocess.run(psql + ["-c", f"\\copy \"{name}\" FROM '{typed}' WITH (FORMAT csv, HEADER)"], check=True)
subprocess.run(psql + ["-c", "ANALYZE"], check=True)

# The plain query: the expert statement, spelled for PostgreSQL.
exp = bench_experiment.load(f"{data}/experiment.json")
plain = duckdb_naive.build(exp, {"cohort": "cohort", "events": "events", "messages": "messages"})
plain = re.sub(r"epoch_us\(([^()]*)\)", r"CAST(EXTRACT(EPOCH FROM \1) * 1000000 AS BIGINT)", plain).replace("HUGEINT", "NUMERIC")
# PostgreSQL 15 wants an alias on every subquery in FROM.
plain = plain.replace(") WHERE code IS NOT NULL", ") s WHERE code IS NOT NULL").replace("USING (user_id))", "USING (user_id)) j")
plain_path = f"{work}/plain.sql"
open(plain_path, "w").write(plain.strip() + ";\n")
script = f"{work}/postgres.sql"
subprocess.run([holdout, "sql", experiment, "--dialect", "postgres", "--out", script], check=True, capture_output=True)


def timed(path, out):
    started = time.time()
    with open(out, "w") as f:
        subprocess.run(psql + ["--csv", "-f", path], check=True, stdout=f)
    return time.time() - started


timings = {"plain PostgreSQL query": [], "holdout sql --dialect postgres": []}
for k in range(rounds):
    timings["plain PostgreSQL query"].append(timed(plain_path, f"{work}/plain.csv"))
    timings["holdout sql --dialect postgres"].append(timed(script, f"{work}/aggregates.csv"))
    print(f"round {k + 1} done", flush=True)

# The plain query's numbers against Holdout's report.json.
import csv  # noqa: E402
users, exposed, metric_rows = {}, {}, {}
e6 = 10**6
for row in csv.DictReader(open(f"{work}/plain.csv")):
    arm = row["arm"]
    users[arm], exposed[arm] = int(row["users"]), int(row["reached"] or 0)
    for k, m in enumerate(exp["metrics"]):
        n = int(row[f"n{k}"])
        if m["kind"] in ("count", "revenue"):
            metric_rows[(m["name"], arm)] = (n, *(int(row[f"{s}{k}"] or 0) for s in ("sx", "sxx", "sp", "spp", "sxp")))
        else:
            cx, cp, cxp = (int(row[f"{s}{k}"] or 0) for s in ("cx", "cp", "cxp"))
            metric_rows[(m["name"], arm)] = (n, cx * e6, cx * e6 * e6, cp * e6, cp * e6 * e6, cxp * e6 * e6)
bench_experiment.write(f"{work}/postgres-plain.json", "postgres-plain", exp, users, exposed, metric_rows)
file_report = f"{work}/file-report.json"
with open(file_report, "w") as f:
    subprocess.run([holdout, "report", experiment, "--format", "json", "--quiet"], check=True, stdout=f)
check = subprocess.run([sys.executable, f"{root}/bench/check_stats.py", file_report, f"{work}/postgres-plain.json"], capture_output=True, text=True)
print("plain PostgreSQL numbers:", "equal to Holdout's" if check.returncode == 0 else "DIFFER\n" + check.stdout[-2000:])
spec_wh = importlib.util.spec_from_file_location("wh", f"{root}/.ci/warehouse.py")
wh = importlib.util.module_from_spec(spec_wh)
spec_wh.loader.exec_module(wh)
subprocess.run([holdout, "report", experiment, "--aggregates", f"{work}/aggregates.csv", "--out", f"{work}/report"], check=True, capture_output=True)
problems = [p for p in wh.compare(file_report, f"{work}/report/report.json", {}) if "weekly" not in p]
print("holdout sql report:", "equal to the file path's" if not problems else "DIFFERS: " + "; ".join(problems[:5]))
for name, values in timings.items():
    print(f"{name}: {', '.join(f'{v:.2f}' for v in values)} s (median {statistics.median(values):.2f})")
ratio = statistics.median(timings["holdout sql --dialect postgres"]) / statistics.median(timings["plain PostgreSQL query"])
print(f"ratio: {ratio:.2f}x")
sys.exit(1 if problems or check.returncode != 0 else 0)
