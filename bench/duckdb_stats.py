#!/usr/bin/env python3
"""Holdout's per-arm sufficient statistics in DuckDB: usage `duckdb_stats.py EXPERIMENT OUT.json`.

This driver only declares the inputs: the three CSV files read by DuckDB's CSV reader with
every column VARCHAR (rows with the wrong field count or broken quotes skipped), the arms,
exposure events and metric windows from the experiment file. All parsing (mixed timestamp
forms, decimal values), validation, de-duplication, windows, maturity, caps and the sums are in
bench/duckdb_stats.sql. DuckDB keeps its default settings (all cores).
"""

import os
import sys

import duckdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import experiment  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def quote(text):
    return "'" + str(text).replace("'", "''") + "'"


def raw_view(con, name, path, wanted):
    """CREATE VIEW name AS (rn, wanted columns...) over the CSV file, all VARCHAR."""
    cols = experiment.header(path)
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(cols))) + "}"
    select = []
    for alias, column in wanted:
        select.append(f"c{cols.index(column)} AS {alias}" if column in cols else f"NULL::VARCHAR AS {alias}")
    con.execute(f"""
        CREATE VIEW {name} AS
        SELECT row_number() OVER () AS rn, {", ".join(select)}
        FROM read_csv({quote(path)}, header = true, auto_detect = false, columns = {columns},
                      delim = ',', quote = '"', escape = '"', ignore_errors = true,
                      strict_mode = true, null_padding = false)""")


def main():
    exp_path, out_path = sys.argv[1], sys.argv[2]
    exp = experiment.load(exp_path)
    con = duckdb.connect()
    raw_view(con, "cohort_raw", exp["cohort"],
             [("user_id", "user_id"), ("entered_at", "entered_at"), ("arm", "arm")])
    raw_view(con, "events_raw", exp["events"],
             [("user_id", "user_id"), ("event", "event"), ("ts", "timestamp"),
              ("value", "value"), ("event_id", "event_id")])
    if exp["messages"]:
        raw_view(con, "messages_raw", exp["messages"],
                 [("user_id", "user_id"), ("event", "event"), ("ts", "timestamp"),
                  ("channel", "channel"), ("message_id", "message_id")])
    else:
        con.execute("CREATE VIEW messages_raw AS SELECT NULL::BIGINT rn, NULL::VARCHAR user_id, "
                    "NULL::VARCHAR event, NULL::VARCHAR ts, NULL::VARCHAR channel, "
                    "NULL::VARCHAR message_id WHERE false")

    con.execute("CREATE TABLE arms(arm VARCHAR, arm_index INTEGER)")
    con.executemany("INSERT INTO arms VALUES (?, ?)", [(a, i) for i, a in enumerate(exp["arms"])])
    con.execute("CREATE TABLE exposure_events(event VARCHAR)")
    if exp["exposure"]:
        con.executemany("INSERT INTO exposure_events VALUES (?)", [(e,) for e in exp["exposure"]])
    con.execute("CREATE TABLE metrics(m INTEGER, name VARCHAR, kind VARCHAR, win_start BIGINT, "
                "win_end BIGINT, win_len BIGINT, cap BIGINT, cap_pct DOUBLE)")
    con.execute("CREATE TABLE metric_events(m INTEGER, event VARCHAR)")
    for i, m in enumerate(exp["metrics"]):
        con.execute("INSERT INTO metrics VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [i, m["name"], m["kind"], m["win_start"], m["win_end"], m["win_len"],
                     m["cap"], m["cap_pct"]])
        for e in m["events"]:
            con.execute("INSERT INTO metric_events VALUES (?, ?)", [i, e])
    con.execute(f"SET VARIABLE as_of = {quote(exp['as_of'])}")

    with open(os.path.join(HERE, "duckdb_stats.sql")) as f:
        con.execute(f.read())

    users, exposed = {}, {}
    for arm, u, x in con.execute("SELECT arm, users, exposed FROM arm_stats").fetchall():
        users[arm], exposed[arm] = u, x
    names = [m["name"] for m in exp["metrics"]]
    rows = {}
    for m, arm, n, sx, sxx, sp, spp, sxp in con.execute(
            "SELECT m, arm, n, sx, sxx, sp, spp, sxp FROM metric_stats").fetchall():
        rows[(names[m], arm)] = (n, sx, sxx, sp, spp, sxp)
    experiment.write(out_path, "duckdb " + duckdb.__version__, exp, users, exposed, rows)


if __name__ == "__main__":
    main()
