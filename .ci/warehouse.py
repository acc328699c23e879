#!/usr/bin/env python3
"""The warehouse check (issue 12), run by .ci/warehouse inside its throwaway venv.

For each case (a fixture or a simulated experiment): load its files into DuckDB the way a
warehouse holds them after a standard sync (below), copy the typed tables into PostgreSQL and
Spark, run `holdout sql` for each dialect with the engine itself, render `holdout report
--aggregates` from what the engine returned, and compare its report.json with the file path's:
counts exactly, every other number to 1e-9 relative. Differences that the two paths are
documented to have (docs/warehouse.md) are listed in EXPECTED and checked in their own way;
anything else fails.

The sync mapping (what "as the warehouse holds them" means here): every column is read as text,
then typed as a loader does: timestamps from ISO-8601 (any offset) or epoch seconds (<= 10
digits), milliseconds (11-13) or microseconds (14-16) into TIMESTAMP WITH TIME ZONE, values into
DECIMAL(18,6). A row with the wrong number of fields, malformed JSON, or a timestamp or value that
does not parse is rejected by the load and counted, as a warehouse load job rejects a bad record.
"""
import collections
import csv
import gzip
import json
import os
import subprocess
import sys
import time

HOLDOUT = WORK = None  # set by main (or by bench/warehouse.py, which imports this file)
ENGINES, CASES = [], []
PG_SOCKET = os.environ.get("PG_SOCKET")  # set by .ci/warehouse when PostgreSQL runs

import duckdb  # noqa: E402  (installed by .ci/warehouse)


def run(args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw)


def ts(c):
    return (f"CASE WHEN regexp_full_match({c}, '[0-9]{{1,10}}') THEN to_timestamp(CAST({c} AS BIGINT)) "
            f"WHEN regexp_full_match({c}, '[0-9]{{11,13}}') THEN CAST(epoch_ms(CAST({c} AS BIGINT)) AS TIMESTAMPTZ) "
            f"WHEN regexp_full_match({c}, '[0-9]{{14,16}}') THEN CAST(make_timestamp(CAST({c} AS BIGINT)) AS TIMESTAMPTZ) "
            f"ELSE TRY_CAST({c} AS TIMESTAMPTZ) END")


TABLES = {
    "cohort": [("user_id", "VARCHAR"), ("entered_at", "TS"), ("arm", "VARCHAR"), ("_row", "ROW")],
    "messages": [("user_id", "VARCHAR"), ("event", "VARCHAR"), ("timestamp", "TS"), ("channel", "VARCHAR"),
                 ("message_id", "VARCHAR"), ("_row", "ROW")],
    "events": [("user_id", "VARCHAR"), ("event", "VARCHAR"), ("timestamp", "TS"), ("value", "DECIMAL(18,6)"),
               ("event_id", "VARCHAR"), ("_row", "ROW")],
}
# `_row` is the row's position in the export (a sync's sequence column): mapped as row_order in
# the `conflicts` case, so that the first copy of a key wins as in the file path.
PG_TYPES = {"VARCHAR": "TEXT", "TS": "TIMESTAMPTZ", "DECIMAL(18,6)": "NUMERIC(18,6)", "ROW": "BIGINT", "DATE": "DATE"}
# ClickHouse as a sync creates the tables: every column Nullable (a sync cannot promise a value).
CH_TYPES = {"VARCHAR": "Nullable(String)", "TS": "Nullable(DateTime64(6, 'UTC'))", "DECIMAL(18,6)": "Nullable(Decimal(18, 6))",
            "ROW": "Nullable(Int64)", "DATE": "Nullable(Date32)"}


def load(con, files, segments):
    """Loads Holdout-format CSVs into typed tables; returns rows dropped per table."""
    dropped = {}
    con.execute("SET TimeZone='UTC'").fetchall()
    for name, path in files.items():
        con.execute(f"CREATE OR REPLACE TABLE raw_{name} AS SELECT * FROM read_csv('{path}', all_varchar=true, "
                    f"header=true, ignore_errors=true, delim=',', quote='\"')").fetchall()
        columns = TABLES[name] + ([(s, "VARCHAR") for s in segments] if name == "cohort" else [])
        present = {r[0] for r in con.execute(f"DESCRIBE raw_{name}").fetchall()}
        select, parsed = [], []
        for c, t in columns:
            q = f'"{c}"'
            if t == "ROW":
                select.append(f"rowid + 1 AS {q}")
            elif c not in present:
                select.append(f"CAST(NULL AS {'TIMESTAMPTZ' if t == 'TS' else t}) AS {q}")
            elif t == "TS":
                select.append(f"{ts(q)} AS {q}")
                parsed.append(f"({q} IS NULL OR {ts(q)} IS NOT NULL)")
            elif t == "VARCHAR":
                select.append(f"{q}")
            else:
                select.append(f"TRY_CAST({q} AS {t}) AS {q}")
                parsed.append(f"({q} IS NULL OR TRY_CAST({q} AS {t}) IS NOT NULL)")
        # A row whose typed column does not parse is rejected by the load, as a warehouse load
        # job rejects a bad record (it never becomes a row with a NULL there).
        where = " AND ".join(parsed) or "TRUE"
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT {', '.join(select)} FROM raw_{name} WHERE {where}").fetchall()
        with open(path, "rb") as f:
            lines = sum(1 for line in f if line.strip()) - 1
        dropped[name] = lines - con.execute(f"SELECT COUNT(*) FROM {name}").fetchall()[0][0]
        con.execute(f"DROP TABLE raw_{name}").fetchall()
    return dropped


def load_cart_recovery(con, base, case_dir):
    """The cart-recovery fixture as a warehouse holds it after a standard sync of its platform
    exports, with the identity view an analyst writes (docs/warehouse.md#platform-exports):

    - messages (Customer.io reporting webhooks, JSON lines): event = object_type || '_' || metric,
      timestamp = the epoch-seconds `timestamp`, channel = object_type, message_id = event_id (the
      webhook's own id, Customer.io's de-duplication key); user_id = data.identifiers.id, else
      data.customer_id, else the customer_id the identities table gives data.identifiers.email
      (NULL when it gives none or several);
    - events (Amplitude export): event = event_type renamed as the experiment file renames it,
      timestamp = event_time (UTC), value = event_properties.$revenue, else $price × $quantity,
      event_id = uuid, else $insert_id; user_id = user_id, else the customer_id of amplitude_id,
      else of device_id (NULL when none or several);
    - cohort: the cohort file with the arm `holdout assign` exported for it (the split the
      messaging platform recorded).
    Malformed JSON lines never reach a table (the loader drops them). Returns rows dropped."""
    spec = json.load(open(f"{base}/experiment.json"))
    renames = spec["inputs"]["events"].get("rename", {})
    con.execute("SET TimeZone='UTC'").fetchall()
    with open(f"{case_dir}/assignment.csv", "w") as f:
        subprocess.run([HOLDOUT, "assign", f"{base}/experiment.json", "--users", f"{base}/cohort.csv"], check=True, stdout=f,
                       stderr=subprocess.DEVNULL)
    con.execute(f"CREATE OR REPLACE TABLE identities AS SELECT * FROM read_csv('{base}/identities.csv', all_varchar=true)").fetchall()
    con.execute(f"""CREATE OR REPLACE TABLE cohort AS
        SELECT c.user_id, CAST(c.entered_at AS TIMESTAMPTZ) AS entered_at, a.arm, CAST(NULL AS BIGINT) AS _row, c.cart_band
        FROM read_csv('{base}/cohort.csv', all_varchar=true) c
        JOIN read_csv('{case_dir}/assignment.csv', all_varchar=true) a ON a.user_id = c.user_id""").fetchall()

    def unique_alias(column):
        return (f"(SELECT {column} AS alias, MIN(customer_id) AS unit FROM identities WHERE {column} IS NOT NULL "
                f"GROUP BY {column} HAVING COUNT(DISTINCT customer_id) = 1)")
    con.execute(f"CREATE OR REPLACE TABLE raw_m AS SELECT * FROM read_json('{base}/messages.jsonl.gz', "
                "format='newline_delimited', ignore_errors=true, union_by_name=true)").fetchall()
    con.execute(f"""CREATE OR REPLACE TABLE messages AS
        SELECT COALESCE(m.data.identifiers.id, m.data.customer_id, em.unit) AS user_id,
          m.object_type || '_' || m.metric AS event,
          to_timestamp(CAST(m."timestamp" AS BIGINT)) AS "timestamp",
          CASE WHEN m.object_type <> 'customer' THEN m.object_type END AS channel,
          m.event_id AS message_id, m.rowid + 1 AS _row
        FROM raw_m m LEFT JOIN {unique_alias('email')} em ON em.alias = m.data.identifiers.email
        WHERE (m.event_id IS NOT NULL OR m.object_type IS NOT NULL)
          AND (m."timestamp" IS NULL OR json_type(m."timestamp") IN ('UBIGINT', 'BIGINT'))""").fetchall()
    rename = " ".join(f"WHEN {sql_text(k)} THEN {sql_text(v)}" for k, v in renames.items())
    con.execute(f"CREATE OR REPLACE TABLE raw_e AS SELECT * FROM read_json('{base}/events.json.gz', "
                "format='newline_delimited', ignore_errors=true, union_by_name=true)").fetchall()
    con.execute(f"""CREATE OR REPLACE TABLE events AS
        SELECT COALESCE(e.user_id, am.unit, dv.unit) AS user_id,
          CASE e.event_type {rename} ELSE e.event_type END AS event,
          CAST(e.event_time AS TIMESTAMPTZ) AS "timestamp",
          CAST(COALESCE(e.event_properties."$revenue", e.event_properties."$price" * e.event_properties."$quantity") AS DECIMAL(18,6)) AS value,
          COALESCE(CAST(e.uuid AS VARCHAR), CAST(e."$insert_id" AS VARCHAR)) AS event_id, e.rowid + 1 AS _row
        FROM raw_e e
          LEFT JOIN {unique_alias('amplitude_id')} am ON am.alias = CAST(e.amplitude_id AS VARCHAR) AND e.user_id IS NULL
          LEFT JOIN {unique_alias('device_id')} dv ON dv.alias = upper(CAST(e.device_id AS VARCHAR)) AND e.user_id IS NULL AND am.unit IS NULL
        WHERE e.event_type IS NOT NULL OR e.event_time IS NOT NULL""").fetchall()
    dropped = {"cohort": 0}
    for name, path in [("messages", "messages.jsonl.gz"), ("events", "events.json.gz")]:
        with gzip.open(f"{base}/{path}", "rt") as f:
            lines = sum(1 for line in f if line.strip())
        dropped[name] = lines - con.execute(f"SELECT COUNT(*) FROM {name}").fetchall()[0][0]
    for t in ["raw_m", "raw_e", "identities"]:
        con.execute(f"DROP TABLE {t}").fetchall()
    return dropped


def sql_text(value):
    return "'" + value.replace("'", "''") + "'"


def export(con, case_dir, names):
    """Writes each typed table as CSV (for PostgreSQL) and Parquet (for Spark and ClickHouse)."""
    for name in names:
        con.execute(f"COPY {name} TO '{case_dir}/{name}.csv' (HEADER, FORMAT csv)").fetchall()
        con.execute(f"COPY {name} TO '{case_dir}/{name}.parquet' (FORMAT parquet)").fetchall()


def holdout_sql(experiment, dialect, out):
    run([HOLDOUT, "sql", experiment, "--dialect", dialect, "--weekly", "--out", out])
    return open(out).read()


RAW_TABLES = ("cohort", "messages", "events")


def duckdb_scans(con, script):
    """How many times DuckDB's plan for the script reads each raw table (EXPLAIN, JSON)."""
    plan = json.loads(con.execute("EXPLAIN (FORMAT json) " + script.rstrip().rstrip(";")).fetchall()[0][1])
    counts = collections.Counter()

    def walk(node):
        if isinstance(node, list):
            for n in node:
                walk(n)
            return
        if "SCAN" in (node.get("name") or "") and isinstance(node.get("extra_info"), dict):
            table = str(node["extra_info"].get("Table", "")).split(".")[-1]
            if table in RAW_TABLES:
                counts[table] += 1
        walk(node.get("children", []))
    walk(plan)
    return counts


def on_duckdb(con, script, out):
    con.sql(script.rstrip().rstrip(";")).write_csv(out)
    return duckdb_scans(con, script)


def on_postgres(case, names, columns, script_path, out):
    db = case.replace("-", "_")
    psql = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", PG_SOCKET, "-U", "postgres"]
    subprocess.run(psql + ["-d", "postgres", "-c", f"DROP DATABASE IF EXISTS {db}"], check=True, capture_output=True)
    run(psql + ["-d", "postgres", "-c", f"CREATE DATABASE {db}"])
    for name in names:
        cols = ", ".join(f'"{c}" {PG_TYPES[t]}' for c, t in columns[name])
        run(psql + ["-d", db, "-c", f'CREATE TABLE "{name}" ({cols})'])
        run(psql + ["-d", db, "-c", f"\\copy \"{name}\" FROM '{WORK}/{case}/{name}.csv' WITH (FORMAT csv, HEADER)"])
    with open(out, "w") as f:
        subprocess.run(psql + ["-d", db, "--csv", "-f", script_path], check=True, stdout=f)
    # The plan: the preamble, then EXPLAIN of the query; every "Relation Name" is a table read.
    lines = [l for l in open(script_path).read().splitlines() if not l.startswith("--")]
    preamble = [l for l in lines if l.startswith("SET ")]
    query = "\n".join(l for l in lines if not l.startswith("SET ")).rstrip().rstrip(";")
    explain = f"{script_path}.explain.sql"
    open(explain, "w").write("\n".join(preamble) + "\nEXPLAIN (FORMAT JSON) " + query + ";\n")
    text = run(psql + ["-d", db, "-t", "-A", "-f", explain]).stdout
    counts = collections.Counter()

    def walk(node):
        if isinstance(node, list):
            for n in node:
                walk(n)
        elif isinstance(node, dict):
            if node.get("Relation Name") in RAW_TABLES:
                counts[node["Relation Name"]] += 1
            for value in node.values():
                walk(value)
    walk(json.loads(text))
    return counts


SPARK = None


def script_statements(script):
    """The script's statements in order (Spark and ClickHouse run them one by one): comment lines
    dropped, split where a line ends in `;` (a literal never spans lines: holdout sql writes line
    breaks as escapes)."""
    statements, current = [], []
    for line in script.splitlines():
        if line.startswith("--"):
            continue
        current.append(line)
        if line.endswith(";"):
            statements.append("\n".join(current).rstrip(";"))
            current = []
    if "".join(current).strip():
        statements.append("\n".join(current))
    return statements


def on_spark(case, names, script, out):
    global SPARK
    if SPARK is None:
        from pyspark.sql import SparkSession
        SPARK = (SparkSession.builder.master("local[2]").appName("holdout-warehouse").config("spark.sql.warehouse.dir", f"{WORK}/spark-warehouse")
                 .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false").config("spark.driver.memory", "4g")
                 .config("spark.sql.shuffle.partitions", "4").config("spark.ui.showConsoleProgress", "false").getOrCreate())
        SPARK.sparkContext.setLogLevel("ERROR")
    for name in names:
        by_day = f"{WORK}/{case}/{name}-by-day"
        SPARK.read.parquet(by_day if os.path.isdir(by_day) else f"{WORK}/{case}/{name}.parquet").createOrReplaceTempView(name)
    statements = script_statements(script)
    counts = collections.Counter()
    for statement in statements[:-1]:
        if statement.startswith("CREATE TABLE"):
            counts += spark_scans(SPARK.sql(statement.split(" AS\n", 1)[1]))
        SPARK.sql(statement).collect()
    frame = SPARK.sql(statements[-1])
    counts += spark_scans(frame)
    rows = frame.collect()
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(frame.columns)
        for r in rows:
            w.writerow(["" if v is None else v for v in r])
    return counts


PARTITION_FILTERS = {}  # raw table → the partition filters of its last Spark scan (bounded case)


def spark_scans(frame):
    """How many times the physical plan of `frame` reads each raw table's Parquet files: file
    scans in the tree, through adaptive plans, not inside a cached table (a cached table's scan
    is of memory; its own statement's plan counted its files). A table the script made
    (`h_…`) is read from its own files, which are not raw tables."""
    counts = collections.Counter()

    def walk(node):
        kind = node.getClass().getSimpleName()
        if kind == "FileSourceScanExec":
            text = node.toString()
            for table in RAW_TABLES:
                if f"/{table}.parquet" in text or f"/{table}-by-day" in text:
                    counts[table] += 1
                    # A bounded read of a table partitioned by day prunes on the partition column.
                    if f"/{table}-by-day" in text:
                        PARTITION_FILTERS[table] = str(node.partitionFilters().mkString(", "))
        if kind == "AdaptiveSparkPlanExec":
            walk(node.executedPlan())
            return
        children = node.children()
        for i in range(children.size()):
            walk(children.apply(i))
    walk(frame._jdf.queryExecution().executedPlan())
    return counts


CH = None
CH_DEFAULTS = None


def on_clickhouse(case, names, columns, script, out):
    """ClickHouse in-process (chDB): the typed tables as MergeTree tables of Nullable columns, filled
    from the Parquet files; the script run whole, as clickhouse-client runs it, under ClickHouse's
    default settings (the script says what it needs in its own SETTINGS clause); its CSVWithNames
    output (NULL written as \\N) written unchanged for report --aggregates."""
    clickhouse_session()
    # A SET in a script would last for the session (the scripts have none today): back to the
    # defaults, and checked, so that each script runs on ClickHouse's defaults and nothing else.
    for name in set(CH.query("SELECT name FROM system.settings WHERE changed", "TSV").data().split()) - CH_DEFAULTS:
        CH.query(f"SET {name} = DEFAULT")
    changed = CH.query("SELECT name FROM system.settings WHERE changed", "TSV").data().split()
    assert set(changed) == CH_DEFAULTS, changed
    db = "h_" + case.replace("-", "_")
    CH.query(f"DROP DATABASE IF EXISTS {db}")
    CH.query(f"CREATE DATABASE {db}")
    CH.query(f"USE {db}")
    for name in names:
        cols = ", ".join(f"`{c}` {CH_TYPES[t]}" for c, t in columns[name])
        listed = ", ".join(f"`{c}`" for c, _ in columns[name])
        CH.query(f"CREATE TABLE `{name}` ({cols}) ENGINE = MergeTree ORDER BY tuple()")
        CH.query(f"INSERT INTO `{name}` ({listed}) SELECT {listed} FROM file('{WORK}/{case}/{name}.parquet', Parquet)")
    # The script's statements in order (temporary tables, then the query), as
    # clickhouse-client --multiquery runs them; each statement's plan says which tables it reads.
    statements = script_statements(script)
    counts = collections.Counter()
    for statement in statements:
        select = statement.split(" AS\n", 1)[1] if statement.startswith("CREATE TEMPORARY TABLE") else statement
        if not statement.startswith("DROP"):
            plan = CH.query("EXPLAIN PLAN " + select, "TSV").data()
            for line in plan.splitlines():
                if "ReadFromMergeTree" in line:
                    for table in RAW_TABLES:
                        if f".{table})" in line:
                            counts[table] += 1
        if statement is not statements[-1]:
            CH.query(statement)
    result = CH.query(statements[-1], "CSVWithNames")
    with open(out, "wb") as f:
        f.write(result.bytes())
    return counts


def clickhouse_session():
    """The one chDB session of the run (chDB holds one per process), opened on first use."""
    global CH, CH_DEFAULTS
    if CH is None:
        import chdb
        from chdb import session
        CH = session.Session(f"{WORK}/chdb")
        # chDB's own changes to the server defaults (introspection, file reads): none concerns the query.
        CH_DEFAULTS = set(CH.query("SELECT name FROM system.settings WHERE changed", "TSV").data().split())
        version = CH.query("SELECT version()", "TSV").data().strip()
        print(f"== chDB {chdb.__version__} (ClickHouse {version}) in-process; settings it changes: {', '.join(sorted(CH_DEFAULTS))}")
    return CH


# Rejections a typed load makes itself: those rows never reach a table.
LOAD_REJECTS = ("wrong_field_count", "malformed_json", "malformed_quotes", "bad_timestamp", "bad_number")

# Paths where the warehouse report differs by design (docs/warehouse.md), checked separately.
EXPECTED_PREFIXES = (".data.source", ".split.", ".data.conflict_examples", ".data.identity")


def compare(file_report, warehouse_report, dropped):
    a, b = json.load(open(file_report)), json.load(open(warehouse_report))
    problems = []

    def walk(x, y, path):
        if path.startswith(EXPECTED_PREFIXES) or path.startswith(".data.files") or path.startswith(".checks.checks"):
            return
        if isinstance(x, dict) and isinstance(y, dict):
            for k in sorted(set(x) | set(y)):
                if k not in x or k not in y:
                    problems.append(f"{path}.{k}: only in one report")
                else:
                    walk(x[k], y[k], f"{path}.{k}")
        elif isinstance(x, list) and isinstance(y, list):
            if len(x) != len(y):
                problems.append(f"{path}: {len(x)} items in the file report, {len(y)} in the warehouse report")
            for i, (p, q) in enumerate(zip(x, y)):
                walk(p, q, f"{path}[{i}]")
        elif isinstance(x, bool) or isinstance(y, bool) or isinstance(x, str) or x is None:
            if x != y:
                problems.append(f"{path}: {x!r} != {y!r}")
        elif isinstance(x, int) and isinstance(y, int):
            if x != y:
                problems.append(f"{path}: count {x} != {y}")
        elif abs(x - y) > 1e-9 * max(abs(x), abs(y)):
            problems.append(f"{path}: {x!r} != {y!r}")

    walk(a, b, "")
    # Row accounting: every fate the same, except rows the loader could not type: dropped rows
    # (wrong field count) are absent, and a row whose value did not parse is a row with a NULL
    # value (counted by the fate its user and window give it) rather than rejected.
    tables = {f["input"]: f for f in b["data"]["files"]}
    for fa in a["data"]["files"]:
        role = fa["input"]
        if role == "identities":
            continue  # resolved in the tables' views
        fb = tables.get(role)
        if fb is None:
            problems.append(f"data: no {role} table in the warehouse report")
            continue
        if fa["rows"] - dropped.get(role, 0) != fb["rows"]:
            problems.append(f"data {role}: {fa['rows']} rows - {dropped.get(role, 0)} dropped by the load != {fb['rows']}")
        # The rows the load rejected are exactly rows the file path rejected, for reasons a load
        # checks (LOAD_REJECTS); every other fate and reason is the same count.
        reasons, load = fa["rejected_by_reason"], dropped.get(role, 0)
        for fate, n in fa["fates"].items():
            m = fb["fates"][fate]
            if fate == "rejected" and n - load != m:
                problems.append(f"data {role}: rejected {n} - {load} the load rejected != {m}")
            elif fate != "rejected" and n != m:
                problems.append(f"data {role}: {fate} {n} != {m}")
        missing = 0
        for reason in set(reasons) | set(fb["rejected_by_reason"]):
            n, m = reasons.get(reason, 0), fb["rejected_by_reason"].get(reason, 0)
            if m > n or (m < n and reason not in LOAD_REJECTS):
                problems.append(f"data {role}: rejected for {reason}: {n} != {m}")
            missing += n - m
        if missing != load:
            problems.append(f"data {role}: {missing} rejections absent from the warehouse, {load} rows rejected by the load")
    checks_a = {c["key"]: c for c in a["checks"]["checks"]}
    checks_b = {c["key"]: c for c in b["checks"]["checks"]}
    if set(checks_a) != set(checks_b):
        problems.append("the checks differ in their keys")
    for key, c in checks_a.items():
        d = checks_b.get(key, {})
        if key == "several_arms" and not a["split"]["recorded"]:
            continue  # the file cohort has no arm column; the table has the exported one
        if key == "split_disagreement":
            if d.get("status") != "not_applicable":
                problems.append("split_disagreement should be not_applicable in the warehouse report")
        elif c["status"] != d.get("status"):
            problems.append(f"check {key}: {c['status']} != {d.get('status')}")
    if len(a.get("history") or []) != len(b.get("history") or []):
        problems.append("the weekly history is of another length")
    if b["data"]["source"]["kind"] != "warehouse" or b["split"]["hash_checked"] is not False:
        problems.append("the warehouse report does not say it came from the warehouse")
    return problems


def conflicts_case():
    """The winback fixture with conflicting copies appended at the end of each file: a cohort
    user again with another arm and an earlier entry, events and messages repeating an id with
    an earlier time (the least copy by time is then not the first in the file), sessions
    repeating an id with a value where the first copy has none, and orders without a value.
    With the tables' row order mapped (`row_order`), the query keeps the first copy as the file
    path does; without it, these users would be measured differently."""
    out = f"{WORK}/conflicts-data"
    os.makedirs(out, exist_ok=True)
    base = "fixtures/winback"
    for name in ("cohort", "messages", "events"):
        lines = open(f"{base}/{name}.csv").read().splitlines()
        header, rows = lines[0].split(","), [r for r in lines[1:] if r]
        key = {"cohort": "user_id", "messages": "message_id", "events": "event_id"}[name]
        time_column = {"cohort": "entered_at", "messages": "timestamp", "events": "timestamp"}[name]
        k, t = header.index(key), header.index(time_column)
        extra = []
        for row in rows[100:2100:40]:
            fields = row.split(",")
            if len(fields) != len(header) or not fields[k] or not fields[t].endswith("Z") or "T" not in fields[t]:
                continue
            day = int(fields[t][8:10])
            if day < 3:
                continue
            copy = list(fields)
            copy[t] = fields[t][:8] + f"{day - 2:02d}" + fields[t][10:]
            if name == "cohort":
                copy[header.index("arm")] = "holdout" if fields[header.index("arm")] != "holdout" else "sms"
            extra.append(",".join(copy))
        if name == "events":
            # Values: a session repeated at the same time with a value where the first copy has
            # none (conflicting in its value alone: the first copy's value is NULL), and orders
            # without a value (revenue rows without a value, counted as 0).
            v, e = header.index("value"), header.index("event")
            sessions = [r.split(",") for r in rows[3000:9000:1000]]
            extra += [",".join(f[:v] + ["2.5"] + f[v + 1:]) for f in sessions if len(f) == len(header) and f[e] == "session" and not f[v] and f[k]]
            orders = [f for f in (r.split(",") for r in rows) if len(f) == len(header) and f[e] == "order" and f[v] and f[k]]
            extra += [",".join(f[:v] + [""] + f[v + 1:k] + [f[k] + "-nv"] + f[k + 1:]) for f in orders[::300]]
        with open(f"{out}/{name}.csv", "w") as f:
            f.write("\n".join(lines + extra) + "\n")
    spec = json.load(open(f"{base}/experiment.json"))
    spec["warehouse"] = {"tables": {n: {"name": n, "columns": {"row_order": "_row"}} for n in ("cohort", "messages", "events")}}
    json.dump(spec, open(f"{out}/experiment.json", "w"), indent=2)
    return f"{out}/experiment.json"


def bounded_case():
    """The winback fixture read with time bounds (`warehouse.since`, docs/warehouse.md): since is
    the first cohort entry, and the message and event tables carry the day of each row's time
    (`event_date`, the partition date: Spark reads them as Parquet partitioned by it). The
    metrics, curves, history and checks must equal the file path's; the row accounting counts
    only the rows the bounds let in, which DuckDB counts independently here."""
    out = f"{WORK}/bounded-data"
    os.makedirs(out, exist_ok=True)
    spec = json.load(open("fixtures/winback/experiment.json"))
    for name in ("cohort", "messages", "events"):
        spec["inputs"][name] = os.path.abspath(f"fixtures/winback/{spec['inputs'][name]}")
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    first = con.execute(f"SELECT MIN({ts('entered_at')}) FROM read_csv('{spec['inputs']['cohort']}', all_varchar=true, header=true)").fetchall()[0][0]
    spec["warehouse"] = {"since": first.strftime("%Y-%m-%dT%H:%M:%SZ"), "tables": {
        n: {"name": n, "columns": {"partition_date": "event_date"}} for n in ("messages", "events")}}
    json.dump(spec, open(f"{out}/experiment.json", "w"), indent=2)
    return f"{out}/experiment.json"


BOUNDED_EXCLUDED = (".data", ".checks")


def bounded_problems(con, file_report, warehouse_report, dropped, engine):
    """The bounded case's comparison: everything but the data section and the checks exactly as
    the other cases; each table's rows equal the typed table's rows inside the bounds the
    report states (counted here by DuckDB), and fewer than the file path read (the bounds
    must cut something, or the case tests nothing); on Spark, the scans prune on event_date."""
    problems = [p for p in compare(file_report, warehouse_report, dropped) if not p.startswith((".data", "data", ".checks", "check", "the checks"))]
    b = json.load(open(warehouse_report))
    a = json.load(open(file_report))
    source = b["data"]["source"]
    if "reads_from" not in source:
        return problems + ["the warehouse report does not state its time bounds"]
    files_a = {f["input"]: f for f in a["data"]["files"]}
    for f in b["data"]["files"]:
        if f["input"] not in ("messages", "events"):
            continue
        inside = con.execute(f"""SELECT COUNT(*) FROM {f['input']} WHERE "timestamp" >= TIMESTAMPTZ '{source['reads_from']}'
            AND "timestamp" < TIMESTAMPTZ '{source['reads_until']}'""").fetchall()[0][0]
        if f["rows"] != inside:
            problems.append(f"bounded {f['input']}: the query counted {f['rows']} rows, {inside} lie inside the bounds")
        if not inside < files_a[f["input"]]["rows"] - dropped.get(f["input"], 0):
            problems.append(f"bounded {f['input']}: the bounds left out no row; the case tests nothing")
    if engine == "spark":
        for table in ("messages", "events"):
            if "event_date" not in PARTITION_FILTERS.get(table, ""):
                problems.append(f"bounded {table}: Spark's scan has no partition filter on event_date ({PARTITION_FILTERS.get(table)!r})")
    return problems


def simulated_case():
    """A simulated experiment with a percentile cap, a fixed cap, counts, CUPED pre-periods and
    several segments' worth of users: the rules the fixtures use least."""
    out = f"{WORK}/simulated"
    if not os.path.exists(f"{out}/cohort.csv"):
        run([HOLDOUT, "simulate", "--users", "20000", "--seed", "12", "--out", out])
    experiment = json.load(open(f"{out}/experiment.json"))
    experiment["metrics"] = [
        {"name": "orders_30d", "kind": "count", "event": "order", "window_days": 30, "role": "primary"},
        {"name": "revenue_30d_p95", "kind": "revenue", "event": "order", "window_days": 30, "role": "primary",
         "cap_percentile": 0.95},
        {"name": "revenue_14d_cap50", "kind": "revenue", "event": "order", "window_days": 14, "role": "secondary",
         "cap": 50},
        {"name": "converted_7d", "kind": "conversion", "event": "order", "window_days": 7, "role": "secondary"},
        {"name": "sessions_14d", "kind": "count", "event": "session", "window_days": 14, "role": "secondary"},
        {"name": "retained_d14", "kind": "retention", "event": "session", "day": 14, "window_days": 7,
         "role": "guardrail", "harmful": "decrease"},
    ]
    experiment["analysis"] = {"cuped": True, "survival_days": 21, "return_events": ["order"], "compare": [{"arm": "sms_email", "against": "sms"}]}
    json.dump(experiment, open(f"{out}/experiment-warehouse.json", "w"), indent=2)
    return f"{out}/experiment-warehouse.json"


def many_metrics_case():
    """The simulated users with 34 metrics: 70 window terms, more than one 62-bit column of the
    query's window bits (`w_0`, `w_1`), binary and additive metrics on both sides of the split."""
    simulated_case()
    out = f"{WORK}/simulated"
    experiment = json.load(open(f"{out}/experiment.json"))
    metrics = []
    for k in range(34):
        event = "order" if k % 2 == 0 else "session"
        window = 3 + k % 11
        if k % 4 == 0:
            metric = {"kind": "conversion", "event": event, "window_days": window}
        elif k % 4 == 1:
            metric = {"kind": "retention", "event": event, "day": 1 + k % 9, "window_days": window}
        elif k % 4 == 2:
            metric = {"kind": "revenue", "event": "order", "window_days": window, "cap": 40 + k}
        else:
            metric = {"kind": "count", "event": event, "window_days": window}
        metric.update({"name": f"m{k:02d}_{metric['kind']}_{window}d", "role": "primary" if k == 0 else "secondary"})
        metrics.append(metric)
    experiment["metrics"] = metrics
    experiment["analysis"] = {"return_events": ["session"], "compare": [{"arm": "sms_email", "against": "sms"}]}
    json.dump(experiment, open(f"{out}/experiment-many-metrics.json", "w"), indent=2)
    return f"{out}/experiment-many-metrics.json"


def main():
    global HOLDOUT, WORK, ENGINES, CASES
    HOLDOUT, WORK = sys.argv[1], sys.argv[2]
    ENGINES, CASES = sys.argv[3].split(","), sys.argv[4].split(",")
    os.makedirs(WORK, exist_ok=True)
    failures = 0
    if "clickhouse" in ENGINES:
        clickhouse_session()
    print(f"{'case':18} {'engine':10} {'query s':>8} {'rows':>7} {'reads':8} result   (reads: c, m, e = how often the plan reads cohort, messages, events)")
    for case in CASES:
        case_dir = f"{WORK}/{case}"
        os.makedirs(case_dir, exist_ok=True)
        if case == "simulated":
            experiment = simulated_case()
        elif case == "conflicts":
            experiment = conflicts_case()
        elif case == "bounded":
            experiment = bounded_case()
        elif case == "many-metrics":
            experiment = many_metrics_case()
        else:
            experiment = f"fixtures/{case}/experiment.json"
        spec = json.load(open(experiment))
        base = os.path.dirname(experiment)
        file_report = f"{case_dir}/file-report.json"
        with open(file_report, "w") as f:
            subprocess.run([HOLDOUT, "report", experiment, "--format", "json", "--quiet", "--weekly"], check=True, stdout=f)
        con = duckdb.connect(f"{case_dir}/warehouse.duckdb")
        segments = spec.get("segments", [])
        files = {"cohort": None, "messages": None, "events": None}
        if case == "cart-recovery":
            dropped = load_cart_recovery(con, base, case_dir)
            # Identities are resolved in the tables: the warehouse's experiment file has none.
            del spec["inputs"]["identities"]
            experiment = f"{case_dir}/experiment.json"
            json.dump(spec, open(experiment, "w"), indent=2)
        else:
            inputs = spec["inputs"]
            files = {n: os.path.join(base, inputs[n]) for n in ("cohort", "messages", "events")}
            dropped = load(con, files, segments)
        columns = {n: TABLES[n] + ([(s, "VARCHAR") for s in segments] if n == "cohort" else []) for n in files}
        if case == "bounded":
            # The partition date a sync adds (the row's UTC day), and Parquet partitioned by it for Spark.
            for n in ("messages", "events"):
                con.execute(f'CREATE OR REPLACE TABLE {n} AS SELECT *, CAST("timestamp" AS DATE) AS event_date FROM {n}').fetchall()
                columns[n] = columns[n] + [("event_date", "DATE")]
                con.execute(f"COPY {n} TO '{case_dir}/{n}-by-day' (FORMAT parquet, PARTITION_BY (event_date), OVERWRITE)").fetchall()
        export(con, case_dir, files.keys())
        for engine in ENGINES:
            script_path = f"{case_dir}/{engine}.sql"
            script = holdout_sql(experiment, engine, script_path)
            aggregates = f"{case_dir}/{engine}-aggregates.csv"
            started = time.time()
            try:
                if engine == "duckdb":
                    scans = on_duckdb(con, script, aggregates)
                elif engine == "postgres":
                    scans = on_postgres(case, files.keys(), columns, script_path, aggregates)
                elif engine == "spark":
                    scans = on_spark(case, files.keys(), script, aggregates)
                elif engine == "clickhouse":
                    scans = on_clickhouse(case, files.keys(), columns, script, aggregates)
                else:
                    raise ValueError("no such engine (duckdb, postgres, spark, clickhouse)")
            except Exception as error:  # the query failed on the engine: a failure of this case, not of the run
                detail = getattr(error, "stderr", None) or str(error)
                print(f"{case:18} {engine:10} {time.time() - started:8.2f} {'-':>7} FAILED (the engine refused the query)")
                for line in str(detail).strip().splitlines()[:6]:
                    print("    " + line[:400])
                failures += 1
                continue
            elapsed = time.time() - started
            report_dir = f"{case_dir}/{engine}-report"
            result = subprocess.run([HOLDOUT, "report", experiment, "--aggregates", aggregates, "--weekly", "--out", report_dir],
                                    capture_output=True, text=True)
            with open(aggregates) as f:
                rows = sum(1 for _ in f) - 1
            if result.returncode != 0:
                problems = [result.stderr.strip()]
            else:
                problems = (bounded_problems(con, file_report, f"{report_dir}/report.json", dropped, engine) if case == "bounded"
                            else compare(file_report, f"{report_dir}/report.json", dropped))
            # Each raw table read once, from the engine's own plan.
            for table in RAW_TABLES:
                if scans.get(table, 0) != 1:
                    problems.append(f"the plan reads {table} {scans.get(table, 0)} times, not once")
            status = "ok" if not problems else f"FAILED ({len(problems)} differences)"
            reads = " ".join(f"{t[0]}{scans.get(t, 0)}" for t in RAW_TABLES)
            print(f"{case:18} {engine:10} {elapsed:8.2f} {rows:7} {reads:8} {status}", flush=True)
            for p in problems[:20]:
                print("    " + p)
            failures += bool(problems)
        con.close()
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
