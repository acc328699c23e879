#!/usr/bin/env python3
"""The quick DuckDB query an analyst would write first, timed for scale only.

Usage: duckdb_naive.py EXPERIMENT   (run with bench/.venv/bin/python, which bench/run.sh creates)

It is NOT equivalent to Holdout's report, and bench/check_stats.py does not compare it: types
come from DuckDB's own casts, so the rows whose timestamp is epoch seconds or milliseconds, or an
ISO form DuckDB does not read, silently drop out; duplicates are removed with DISTINCT ON
(event_id) in no particular order, not first row wins; there are no rejection rules, no
pre-period, no revenue cap, no retention maturity, no day-7/day-30 windows and no unsubscribe
guardrail. It reads the same three files and computes, per arm: users, users reached after entry,
conversions within 14 days and revenue within 30 days. bench/RESULTS.md reports its time next to
the equivalent query (duckdb_stats.sql) to show what the row rules cost in SQL.
"""

import os
import sys
import time

import duckdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import experiment  # noqa: E402


def main():
    exp = experiment.load(sys.argv[1])
    con = duckdb.connect()
    started = time.perf_counter()
    rows = con.execute(
        """
        WITH cohort AS (
          SELECT user_id, TRY_CAST(entered_at AS TIMESTAMPTZ) AS t0, arm
          FROM read_csv(?, all_varchar = true, ignore_errors = true)),
        events AS (
          SELECT DISTINCT ON (event_id) user_id, event, TRY_CAST("timestamp" AS TIMESTAMPTZ) AS t,
                 TRY_CAST(value AS DOUBLE) AS v
          FROM read_csv(?, all_varchar = true, ignore_errors = true)),
        reached AS (
          SELECT DISTINCT m.user_id
          FROM read_csv(?, all_varchar = true, ignore_errors = true) m JOIN cohort c USING (user_id)
          WHERE m.event IN ('sms_delivered', 'email_delivered')
            AND TRY_CAST(m."timestamp" AS TIMESTAMPTZ) >= c.t0),
        per_user AS (
          SELECT e.user_id,
                 max(CASE WHEN e.event = 'order' AND e.t >= c.t0 AND e.t < c.t0 + INTERVAL 14 DAY
                          THEN 1 ELSE 0 END) AS converted,
                 sum(CASE WHEN e.event = 'order' AND e.t >= c.t0 AND e.t < c.t0 + INTERVAL 30 DAY
                          THEN e.v ELSE 0 END) AS revenue
          FROM events e JOIN cohort c USING (user_id)
          GROUP BY e.user_id)
        SELECT c.arm, count(*) AS users, count(r.user_id) AS reached,
               coalesce(sum(p.converted), 0) AS converted, coalesce(sum(p.revenue), 0) AS revenue
        FROM cohort c LEFT JOIN per_user p USING (user_id) LEFT JOIN reached r USING (user_id)
        GROUP BY c.arm ORDER BY c.arm
        """,
        [exp["cohort"], exp["events"], exp["messages"]],
    ).fetchall()
    elapsed = time.perf_counter() - started
    for arm, users, reached, converted, revenue in rows:
        print(f"{arm}: users {users}, reached {reached}, converted_14d {converted}, revenue_30d {revenue:.2f}")
    print(f"query: {elapsed:.2f} s")


if __name__ == "__main__":
    main()
