#!/usr/bin/env python3
"""The plain DuckDB query an analyst writes for the same job, made equivalent on plain data.

Usage: duckdb_naive.py EXPERIMENT OUT.json [THREADS]   (run with bench/.venv/bin/python)

One SQL statement, DuckDB's own CSV reader (types detected, except the time and value columns,
named as an analyst must once a file sorted by time starts with thousands of rows without a
value: DuckDB's sniffer then reads `value` as text), no row rules: the cohort joined
to every message and behaviour row of its users, per user the metric values of each window and
pre-period, then per arm n, Σx, Σx², Σpre, Σpre², Σx·pre over the users whose window has closed
by as_of, the analysed users and the users reached after entry. Windows are half-open,
t0 + start <= ts < t0 + end; the pre-period is the window's length before t0; rows at or after
as_of are ignored; fixed caps apply to both the value and its pre-period value (as Holdout does).

Equivalent to Holdout's report on data DuckDB reads as Holdout does: one timestamp form that
DuckDB detects (ISO-8601 with Z), no unreadable rows, and no de-duplication key (it does not
de-duplicate). bench/run.sh derives such data from the simulator's output (bench/plain_data.py)
and bench/check_stats.py compares every number with Holdout's report.json. It does not compute
percentile caps, segments, survival curves or any row accounting; nothing here is timed but the
query (the Python start-up is outside it, and so are the JSON writes).
"""

import os
import sys
import time

import duckdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import experiment  # noqa: E402


def quote(text):
    return "'" + text.replace("'", "''") + "'"


def main():
    exp = experiment.load(sys.argv[1])
    out = sys.argv[2]
    con = duckdb.connect()
    if len(sys.argv) > 3:
        con.execute(f"SET threads = {int(sys.argv[3])}")
    if any(m["cap_pct"] is not None and m["cap"] is None for m in exp["metrics"]):
        raise SystemExit("percentile caps are not part of the plain query")
    as_of = f"epoch_us(TIMESTAMPTZ {quote(exp['as_of'])})"
    per_user, sums = [], []
    for k, m in enumerate(exp["metrics"]):
        events = ", ".join(quote(e) for e in m["events"])
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
            per_user.append(f"CAST({value} AS HUGEINT) AS {name}{k}")
        mature = f"u.t0 + {m['win_end']} <= {as_of}"
        sums.append(
            f"""count(*) FILTER (WHERE {mature}) AS n{k},
            coalesce(sum(x{k}) FILTER (WHERE {mature}), 0) AS sx{k},
            coalesce(sum(x{k} * x{k}) FILTER (WHERE {mature}), 0) AS sxx{k},
            coalesce(sum(p{k}) FILTER (WHERE {mature}), 0) AS sp{k},
            coalesce(sum(p{k} * p{k}) FILTER (WHERE {mature}), 0) AS spp{k},
            coalesce(sum(x{k} * p{k}) FILTER (WHERE {mature}), 0) AS sxp{k}""")
    exposure = ", ".join(quote(e) for e in exp["exposure"]) or "NULL"
    rows_union = f"""
        SELECT user_id, event, epoch_us("timestamp") AS ts, CAST(round(value * 1000000) AS BIGINT) AS v
        FROM read_csv({quote(exp['events'])}, types = {{'timestamp': 'TIMESTAMPTZ', 'value': 'DOUBLE'}})"""
    if exp["messages"]:
        rows_union += f"""
        UNION ALL
        SELECT user_id, event, epoch_us("timestamp") AS ts, NULL AS v
        FROM read_csv({quote(exp['messages'])}, types = {{'timestamp': 'TIMESTAMPTZ'}})"""
    query = f"""
        WITH cohort AS (
          SELECT user_id, epoch_us(entered_at) AS t0, arm FROM read_csv({quote(exp['cohort'])}, types = {{'entered_at': 'TIMESTAMPTZ'}})
          WHERE epoch_us(entered_at) < {as_of}),
        rows AS ({rows_union}),
        joined AS (
          SELECT c.user_id, r.event, r.ts - c.t0 AS dt, r.v
          FROM rows r JOIN cohort c USING (user_id) WHERE r.ts < {as_of}),
        per_user AS (
          SELECT c.user_id, c.arm, c.t0,
                 max(CASE WHEN r.event IN ({exposure}) AND r.dt >= 0 THEN 1 ELSE 0 END) AS reached,
                 {', '.join(per_user)}
          FROM cohort c LEFT JOIN joined r USING (user_id)
          GROUP BY c.user_id, c.arm, c.t0)
        SELECT u.arm, count(*) AS users, sum(u.reached) AS reached, {', '.join(sums)}
        FROM per_user u GROUP BY u.arm ORDER BY u.arm
    """
    started = time.perf_counter()
    result = con.execute(query).fetchall()
    elapsed = time.perf_counter() - started
    users, exposed, metric_rows = {}, {}, {}
    for row in result:
        arm = row[0]
        users[arm], exposed[arm] = row[1], row[2]
        for k, m in enumerate(exp["metrics"]):
            metric_rows[(m["name"], arm)] = tuple(int(v) for v in row[3 + 6 * k: 9 + 6 * k])
    experiment.write(out, "duckdb-plain", exp, users, exposed, metric_rows)
    print(f"query: {elapsed:.2f} s")


if __name__ == "__main__":
    main()
