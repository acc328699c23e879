#!/usr/bin/env python3
"""Prints the benchmark table from run.sh's timings: usage `summarize.py TIMINGS.csv SIZE`.

TIMINGS.csv has rows `size,tool,run,wall_seconds,clock_seconds,peak_rss_kb`: wall_seconds is
/usr/bin/time's %e (0.01 s steps), clock_seconds the same run on bash's microsecond clock (used
for the ratios, which matter for the floor commands). For each tool: the median wall time and
the median peak RSS over the runs, then Holdout against each other tool.
"""

import csv
import statistics
import sys

LABELS = {
    "holdout": "holdout report (whole report)",
    "duckdb": "DuckDB SQL (same sums)",
    "pandas": "pandas (same sums)",
    "cat": "cat files > /dev/null (floor)",
    "wc": "wc -l files (floor)",
}


def main():
    path, size = sys.argv[1], sys.argv[2]
    runs = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            if row["size"] == size:
                runs.setdefault(row["tool"], []).append(
                    (float(row["wall_seconds"]), float(row["clock_seconds"]), int(row["peak_rss_kb"])))
    med = {tool: (statistics.median(r[0] for r in rs), statistics.median(r[1] for r in rs),
                  statistics.median(r[2] for r in rs) / 1024, len(rs))
           for tool, rs in runs.items()}
    _, h_clock, h_rss, _ = med["holdout"]
    print(f"{'tool':<32} {'runs':>4} {'wall s':>7} {'clock s':>8} {'peak RSS MB':>12} "
          f"{'wall / holdout':>15} {'RSS / holdout':>14}")
    for tool in ["holdout", "duckdb", "pandas", "cat", "wc"]:
        if tool not in med:
            continue
        wall, clock, rss, n = med[tool]
        print(f"{LABELS[tool]:<32} {n:>4} {wall:>7.2f} {clock:>8.3f} {rss:>12.1f} "
              f"{clock / h_clock:>14.3f}x {rss / h_rss:>13.3f}x")
    print("(medians; wall = /usr/bin/time %e, clock = bash's microsecond clock, used for ratios)")
    print()
    for tool, name in [("duckdb", "DuckDB"), ("pandas", "pandas")]:
        if tool in med:
            _, clock, rss, _ = med[tool]
            print(f"Holdout vs {name}: {clock / h_clock:.2f}x faster (wall), "
                  f"{rss / h_rss:.2f}x less peak memory")
    for tool, name in [("wc", "wc -l"), ("cat", "cat")]:
        if tool in med:
            _, clock, _, _ = med[tool]
            print(f"Holdout vs {name}: {h_clock / clock:.1f}x the wall time of the byte floor ({name})")


if __name__ == "__main__":
    main()
