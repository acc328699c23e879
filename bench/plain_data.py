#!/usr/bin/env python3
"""Derives plain data from a simulated experiment: the shape of a warehouse export.

Usage: plain_data.py SIMULATED_DIR OUT_DIR ORDER     ORDER: shuffled | time | user
       (run with bench/.venv/bin/python)

The simulator writes every timestamp form exporters use, event ids, and unreadable rows. A
warehouse export has one form and no noise, and it is what the plain DuckDB query
(duckdb_naive.py) reads correctly, so on it the two tools must agree on every number:
  - every timestamp as ISO-8601 UTC with seconds and `Z` (the simulator's forms converted to the
    same instant, truncated to the second); rows whose timestamp is unreadable are dropped;
  - events: user_id,event,timestamp,value with no event id (and no de-duplication: a row the
    simulator repeated stays repeated, for both tools); values that are not numbers are dropped;
  - messages: user_id,event,timestamp,channel,campaign (no message id);
  - cohort: each user's first readable row with a known arm, in the simulator's order.
Rows in ORDER: shuffled (a fixed pseudo-random order: a hash of the row's content), time
(ascending timestamp, as exports and warehouse unloads arrive) or user (grouped by user id, then
time: the friendliest order for a per-user fold). The same input always gives the same bytes.
"""

import csv
import json
import os
import shutil
import sys

import duckdb


def ts(col):
    """The simulator's timestamp forms (epoch ms, epoch s, ISO with or without offset) to UTC Z."""
    return f"""strftime(CASE
        WHEN regexp_full_match({col}, '[0-9]{{13}}') THEN make_timestamp(CAST({col} AS BIGINT) * 1000)
        WHEN regexp_full_match({col}, '[0-9]{{10}}') THEN make_timestamp(CAST({col} AS BIGINT) * 1000000)
        ELSE CAST(TRY_CAST({col} AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS TIMESTAMP) END,
        '%Y-%m-%dT%H:%M:%SZ')"""


def main():
    src, dst, order = sys.argv[1], sys.argv[2], sys.argv[3]
    sort = {
        "shuffled": "hash(user_id, event, timestamp, {extra})",
        "time": "timestamp, user_id, event, {extra}",
        "user": "user_id, timestamp, event, {extra}",
    }[order]
    os.makedirs(dst, exist_ok=True)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET threads = 2")
    number = "regexp_full_match(value, '-?[0-9]+(\\.[0-9]+)?')"
    con.execute(f"""
        COPY (SELECT * FROM (
                SELECT user_id, event, {ts('timestamp')} AS timestamp, value
                FROM read_csv('{src}/events.csv', all_varchar = true, ignore_errors = true)
                WHERE user_id IS NOT NULL AND event IS NOT NULL AND (value IS NULL OR {number}))
              WHERE timestamp IS NOT NULL ORDER BY {sort.format(extra="coalesce(value, '')")})
        TO '{dst}/events.csv' (HEADER, QUOTE '')""")
    con.execute(f"""
        COPY (SELECT * FROM (
                SELECT user_id, event, {ts('timestamp')} AS timestamp, channel, campaign
                FROM read_csv('{src}/messages.csv', all_varchar = true, ignore_errors = true)
                WHERE user_id IS NOT NULL AND event IS NOT NULL)
              WHERE timestamp IS NOT NULL ORDER BY {sort.format(extra="coalesce(channel, ''), coalesce(campaign, '')")})
        TO '{dst}/messages.csv' (HEADER)""")
    with open(f"{src}/experiment.json") as f:
        arms = {a["name"] for a in json.load(f)["arms"]}
    seen = set()
    with open(f"{src}/cohort.csv", newline="") as f, open(f"{dst}/cohort.tmp", "w", newline="") as out:
        rows = csv.reader(f)
        writer = csv.writer(out, lineterminator="\n")
        header = next(rows)
        writer.writerow(header)
        user, entered, arm = header.index("user_id"), header.index("entered_at"), header.index("arm")
        for row in rows:
            if len(row) != len(header) or not row[user] or row[user] in seen or row[arm] not in arms:
                continue
            if not (len(row[entered]) == 20 and row[entered].endswith("Z")):
                continue
            seen.add(row[user])
            writer.writerow(row)
    os.replace(f"{dst}/cohort.tmp", f"{dst}/cohort.csv")
    shutil.copy(f"{src}/experiment.json", f"{dst}/experiment.json")


if __name__ == "__main__":
    main()
