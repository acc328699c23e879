#!/usr/bin/env python3
"""Prints a benchmark table from run.sh's timings: usage `summarize.py TIMINGS.csv SET`.

TIMINGS.csv has rows `set,tool,run,wall_seconds,clock_seconds,peak_rss_kb,user_seconds,
system_seconds`: wall_seconds is /usr/bin/time's %e (0.01 s steps), clock_seconds the same run on
bash's microsecond clock (used for the ratios, which matter for the floor commands). For each
tool: the median wall time, CPU seconds (user + system), cores busy (CPU / wall) and peak RSS
over the runs; then the ratios the issues ask for, the unfavourable one first.
"""

import csv
import statistics
import sys

LABELS = {
    "holdout": "holdout report (2 threads)",
    "holdout-1t": "holdout report --threads 1",
    "duckdb": "DuckDB plain query, 2 threads",
    "duckdb-1t": "DuckDB plain query, 1 thread",
    "duckdb-rules": "DuckDB, every row rule",
    "pandas": "pandas, every row rule",
    "cat": "cat files > /dev/null (floor)",
    "wc": "wc -l files (floor)",
}


def main():
    path, wanted = sys.argv[1], sys.argv[2]
    runs = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            if row["set"] == wanted:
                cpu = float(row["user_seconds"]) + float(row["system_seconds"])
                runs.setdefault(row["tool"], []).append(
                    (float(row["wall_seconds"]), float(row["clock_seconds"]), int(row["peak_rss_kb"]), cpu))
    med = {tool: {"wall": statistics.median(r[0] for r in rs), "clock": statistics.median(r[1] for r in rs),
                  "rss": statistics.median(r[2] for r in rs) / 1024, "cpu": statistics.median(r[3] for r in rs),
                  "n": len(rs)}
           for tool, rs in runs.items()}
    print(f"{'tool':<32} {'runs':>4} {'wall s':>7} {'CPU s':>7} {'cores':>6} {'peak RSS MB':>12}")
    for tool in LABELS:
        if tool in med:
            m = med[tool]
            cores = m["cpu"] / m["wall"] if m["wall"] > 0 else 0
            print(f"{LABELS[tool]:<32} {m['n']:>4} {m['wall']:>7.2f} {m['cpu']:>7.2f} {cores:>6.2f} {m['rss']:>12.1f}")
    print("(medians; wall = /usr/bin/time %e; cores = CPU s / wall s)")
    print()
    pairs = [("holdout", "duckdb", "2 threads"), ("holdout-1t", "duckdb-1t", "1 thread"),
             ("holdout", "duckdb-rules", "every row rule"), ("holdout", "pandas", "every row rule")]
    for ours, theirs, what in pairs:
        if ours in med and theirs in med:
            a, b = med[ours]["clock"], med[theirs]["clock"]
            print(f"Holdout / {LABELS[theirs]} ({what}): {a / b:.2f}x the wall time "
                  f"({'faster' if a < b else 'slower'}), {med[ours]['rss'] / med[theirs]['rss']:.2f}x the peak memory")
    for tool in ("wc", "cat"):
        if "holdout" in med and tool in med:
            print(f"Holdout vs {LABELS[tool]}: {med['holdout']['clock'] / med[tool]['clock']:.1f}x its wall time")


if __name__ == "__main__":
    main()
