#!/usr/bin/env python3
"""The DuckDB query an expert writes for the same job, equivalent to Holdout's report on plain data.

Usage: duckdb_naive.py EXPERIMENT OUT.json [THREADS] [--loaded] [--print-sql]
       (run with bench/.venv/bin/python)

One SQL statement (--print-sql prints it) that reads each CSV file once:

  cohort    read_csv with every column's type given and no sniffing (auto_detect = false,
            header = true, columns = {...} built from the file's header line: user_id, arm and
            other text VARCHAR, entered_at and timestamp TIMESTAMPTZ, value DOUBLE); the users who
            entered before as_of, each numbered (uid, a BIGINT) and with its entry time t0 in
            epoch microseconds. It is a common table expression that DuckDB materialises once.
  rows      the events and messages files, typed the same way, UNION ALL; each row's event name
            mapped once to a small integer code (CASE over the few names the metrics and exposure
            use; every other row is dropped there) and rows at or after as_of dropped by a typed
            TIMESTAMPTZ comparison; the value in exact micro-units (round(value × 10⁶)).
  per_user  rows ⋈ cohort on user_id (hash join, built on the cohort), dt = ts − t0 in integer
            microseconds, then ONE GROUP BY uid: every 0/1 term (each conversion or retention
            metric's window and pre-period, and "reached": an exposure at or after entry) is a bit
            of a per-row integer, OR-ed per user with bit_or; each count or revenue metric's window
            and pre-period is a sum(...) FILTER. Identical terms (two retention metrics share a
            pre-period) are computed once.
  per arm   the cohort per arm gives users and each metric's n (users whose window has closed by
            as_of: t0 + end <= as_of); per_user joined back to the cohort on uid (1M rows) gives the
            sums. A user without rows contributes 0 to every sum, so no outer join is needed. For
            0/1 metrics the sums are counts (x, pre, x·pre) scaled by 10⁶ or 10¹² in Python; for
            count and revenue the capped per-user values are summed as HUGEINT (Σx² of 1M users
            can exceed 64 bits).

Why this is the form an expert writes (measured on the large plain set; bench/RESULTS.md, "The
expert DuckDB query"): no sniffing; no string work per row beyond one CASE on the event name (the
earlier analyst query carried the name as a string through both joins and compared it there);
one join of the 20M rows instead of two (it joined the rows to the cohort, then LEFT JOINed the
cohort to that result again to keep users without rows); the GROUP BY keyed on one integer
instead of (user_id, arm, t0) and carrying a bitmask and the additive sums instead of eleven
CASE aggregates; arm and t0 looked up after the reduction, on 1M rows instead of 20M. With one
thread the statement spends about 3.8 s reading the CSV files, 2.0 s in the join, 1.6 s in the
GROUP BY and 0.8 s computing the per-row terms (DuckDB's profiler, 9.1 s in all; the earlier
query 17.3 s).

Tried and not kept: timestampformat (DuckDB 1.5.6 ignores it for TIMESTAMPTZ columns, a wrong
format reads the same; on a TIMESTAMP column it replaces the ISO fast path with strptime, about
1.5 CPU-s slower on the events file); TIMESTAMP instead of TIMESTAMPTZ (within noise, and it
needs ignore_errors for the one invalid date the plain cohort keeps, which TIMESTAMPTZ reads as
NULL and the as_of filter drops, as Holdout rejects the row); IN (...) on the names (DuckDB
plans a mark join, slower than the CASE); a filter on dt before the GROUP BY (no gain);
any_value(arm), any_value(t0) in the GROUP BY instead of the join back (slower); aggregating
before the join (the windows are relative to each user's t0, so the only way is to collect each
user's event times, list(ts) GROUP BY user_id, and test the windows with list_filter after the
join: that GROUP BY alone cost more than the join and GROUP BY together);
preserve_insertion_order = false (no difference seen).

Semantics (as before, and as Holdout on this data): windows are half-open, t0 + start <= ts <
t0 + end; the pre-period is the window's length before t0; rows at or after as_of are ignored;
fixed caps apply to both the value and its pre-period value. Equivalent to Holdout's report on
data DuckDB reads as Holdout does: one timestamp form (ISO-8601 with Z), no unreadable rows, one
cohort row per user, and no de-duplication key (it does not de-duplicate). bench/run.sh derives
such data from the simulator's output (bench/plain_data.py) and bench/check_stats.py compares
every number with Holdout's report.json. It does not compute percentile caps, segments,
survival curves or any row accounting.

Timing: only the query (execute and fetch) is timed and printed ("query: S s"); the Python
start-up, the header reads and the JSON write are outside it. With --loaded the three files are
first loaded into in-memory DuckDB tables (CREATE TABLE AS SELECT * FROM read_csv(...), the same
types; the load is timed and printed apart, "load: S s") and the same statement then reads the
tables instead of the files; the process's peak memory then includes the tables.
"""

import os
import sys
import time

import duckdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import experiment  # noqa: E402

# Column types by (normalised) header name; any other column is read as VARCHAR.
TYPES = {"entered_at": "TIMESTAMPTZ", "timestamp": "TIMESTAMPTZ", "value": "DOUBLE"}


def quote(text):
    return "'" + text.replace("'", "''") + "'"


def read_csv(path):
    """A typed read of one of Holdout's CSV files: every column named and typed, no sniffing."""
    columns = ", ".join(f"{quote(c)}: {quote(TYPES.get(c, 'VARCHAR'))}" for c in experiment.header(path))
    return f"read_csv({quote(path)}, header = true, auto_detect = false, columns = {{{columns}}})"


def build(exp, sources):
    """The statement; sources maps cohort/events/messages to a table expression."""
    metrics = exp["metrics"]
    if any(m["cap_pct"] is not None and m["cap"] is None for m in metrics):
        raise SystemExit("percentile caps are not part of the plain query")
    names = []
    for e in [e for m in metrics for e in m["events"]] + exp["exposure"]:
        if e not in names:
            names.append(e)
    code = {e: i for i, e in enumerate(names)}

    def event_in(events):
        codes = sorted({code[e] for e in events})
        return f"code = {codes[0]}" if len(codes) == 1 else f"code IN ({', '.join(map(str, codes))})"

    as_of = f"TIMESTAMPTZ {quote(exp['as_of'])}"
    as_of_us = f"epoch_us({as_of})"
    to_code = "CASE event " + " ".join(f"WHEN {quote(e)} THEN {code[e]}" for e in names) + " END"

    def rows_of(source, value):
        return f"""SELECT user_id, code, ts, v FROM (
        SELECT user_id, {to_code} AS code, epoch_us("timestamp") AS ts, {value} AS v
        FROM {source} WHERE "timestamp" < {as_of}) WHERE code IS NOT NULL"""

    rows = [rows_of(sources["events"], "CAST(round(value * 1000000) AS BIGINT)")]
    if "messages" in sources:
        rows.append(rows_of(sources["messages"], "CAST(NULL AS BIGINT)"))

    # Per-user terms: 0/1 terms as bits of one integer, additive terms as filtered sums.
    bits, sums, terms = {}, {}, []
    for m in metrics:
        has = event_in(m["events"])
        post = f"{has} AND dt >= {m['win_start']} AND dt < {m['win_end']}"
        pre = f"{has} AND dt < 0 AND dt >= -{m['win_len']}"
        if m["kind"] in ("count", "revenue"):
            unit = "1000000" if m["kind"] == "count" else "v"
            terms.append(tuple(sums.setdefault((cond, unit), f"s{len(sums)}") for cond in (post, pre)))
        else:
            terms.append(tuple(bits.setdefault(cond, len(bits)) for cond in (post, pre)))
    reached = f"{event_in(exp['exposure'])} AND dt >= 0" if exp["exposure"] else "false"
    reached_bit = bits.setdefault(reached, len(bits))
    if len(bits) > 63:
        raise SystemExit("more 0/1 terms than bits in a BIGINT")
    flags = " | ".join(f"CASE WHEN {cond} THEN {1 << b} ELSE 0 END" for cond, b in bits.items())
    per_user = [f"bit_or({flags}) AS f"] + [
        f"sum({unit}) FILTER (WHERE {cond}) AS {name}" for (cond, unit), name in sums.items()]

    counts = ["count(*) AS users"]
    totals = [f"count(*) FILTER (WHERE f & {1 << reached_bit} <> 0) AS reached"]
    for k, m in enumerate(metrics):
        mature = f"t0 <= {as_of_us} - {m['win_end']}"
        counts.append(f"count(*) FILTER (WHERE {mature}) AS n{k}")
        if m["kind"] in ("count", "revenue"):
            def capped(name):
                value = f"coalesce({name}, 0)"
                if m["cap"] is not None:
                    value = f"least({value}, {m['cap']})"
                return f"CAST({value} AS HUGEINT)"
            x, p = (capped(name) for name in terms[k])
            totals += [f"sum({x}) FILTER (WHERE {mature}) AS sx{k}",
                       f"sum({x} * {x}) FILTER (WHERE {mature}) AS sxx{k}",
                       f"sum({p}) FILTER (WHERE {mature}) AS sp{k}",
                       f"sum({p} * {p}) FILTER (WHERE {mature}) AS spp{k}",
                       f"sum({x} * {p}) FILTER (WHERE {mature}) AS sxp{k}"]
        else:
            bx, bp = (1 << b for b in terms[k])
            totals += [f"count(*) FILTER (WHERE {mature} AND f & {bx} <> 0) AS cx{k}",
                       f"count(*) FILTER (WHERE {mature} AND f & {bp} <> 0) AS cp{k}",
                       f"count(*) FILTER (WHERE {mature} AND f & {bx | bp} = {bx | bp}) AS cxp{k}"]
    union = "\n        UNION ALL\n        ".join(rows)
    return f"""
WITH cohort AS (
        SELECT row_number() OVER () AS uid, user_id, arm, epoch_us(entered_at) AS t0
        FROM {sources['cohort']} WHERE entered_at < {as_of}),
    rows AS (
        {union}),
    per_user AS (
        SELECT uid, {', '.join(per_user)}
        FROM (SELECT c.uid, r.code, r.ts - c.t0 AS dt, r.v FROM rows r JOIN cohort c USING (user_id))
        GROUP BY uid),
    arms AS (SELECT arm, {', '.join(counts)} FROM cohort GROUP BY arm),
    totals AS (SELECT arm, {', '.join(totals)} FROM per_user JOIN cohort USING (uid) GROUP BY arm)
SELECT * FROM arms LEFT JOIN totals USING (arm) ORDER BY arm
"""


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    flags = {a for a in sys.argv[1:] if a.startswith("--")}
    if len(args) not in (2, 3) or flags - {"--loaded", "--print-sql"}:
        raise SystemExit("usage: duckdb_naive.py EXPERIMENT OUT.json [THREADS] [--loaded] [--print-sql]")
    exp = experiment.load(args[0])
    out = args[1]
    con = duckdb.connect()
    if len(args) > 2:
        con.execute(f"SET threads = {int(args[2])}")
    roles = ["cohort", "events"] + (["messages"] if exp["messages"] else [])
    sources = {role: read_csv(exp[role]) for role in roles}
    if "--loaded" in flags:
        started = time.perf_counter()
        for role in roles:
            con.execute(f"CREATE TABLE {role}_table AS SELECT * FROM {sources[role]}")
            sources[role] = f"{role}_table"
        print(f"load: {time.perf_counter() - started:.2f} s")
    query = build(exp, sources)
    if "--print-sql" in flags:
        print(query)
    started = time.perf_counter()
    cursor = con.execute(query)
    result = cursor.fetchall()
    elapsed = time.perf_counter() - started
    columns = [d[0] for d in cursor.description]
    users, exposed, metric_rows = {}, {}, {}
    e6 = 10**6
    for values in result:
        row = dict(zip(columns, values))
        arm = row["arm"]
        users[arm], exposed[arm] = row["users"], row["reached"] or 0
        for k, m in enumerate(exp["metrics"]):
            n = row[f"n{k}"]
            if m["kind"] in ("count", "revenue"):
                sums = (int(row[f"{s}{k}"] or 0) for s in ("sx", "sxx", "sp", "spp", "sxp"))
                metric_rows[(m["name"], arm)] = (n, *sums)
            else:
                cx, cp, cxp = (int(row[f"{s}{k}"] or 0) for s in ("cx", "cp", "cxp"))
                metric_rows[(m["name"], arm)] = (n, cx * e6, cx * e6 * e6, cp * e6, cp * e6 * e6, cxp * e6 * e6)
    experiment.write(out, "duckdb-plain", exp, users, exposed, metric_rows)
    print(f"query: {elapsed:.2f} s")


if __name__ == "__main__":
    main()
