"""What the benchmark's reimplementations need from a Holdout experiment file, and the JSON
they write.

Only what `holdout report` uses for per-arm sufficient statistics is read: the input paths
(Holdout's own CSV; a single cohort, messages and events file), `as_of`, the arms, the exposure
events and the metrics. Windows and caps are converted to micro-units exactly as
Sources/Experiment/MetricDefinition.swift does.

Output (one file per tool, compared by bench/check_stats.py):
  {"tool": ..., "users": {arm: n}, "exposed": {arm: n},
   "metrics": {name: {arm: {"n", "sum", "sum_squares", "pre_sum", "pre_sum_squares",
                            "sum_product"}}}}
with sums in units (exact micro-unit integers divided by 10⁶, 10¹² for squares and products).
"""

import json
import os

MICROS_PER_DAY = 86_400 * 1_000_000


def micros(days):
    # Swift's .rounded() is half away from zero; days are positive here.
    return int(days * MICROS_PER_DAY + 0.5)


def normalized(name):
    """A header name as Holdout matches it: trimmed, case-insensitive, space = underscore."""
    return name.strip(" \t").lower().replace(" ", "_")


def header(path):
    with open(path, "rb") as f:
        line = f.readline().decode("utf-8-sig").rstrip("\r\n")
    return [normalized(n) for n in line.split(",")]


def load(path):
    with open(path, encoding="utf-8-sig") as f:
        exp = json.load(f)
    base = os.path.dirname(os.path.abspath(path))
    inputs = exp["inputs"]

    def one(source):
        if isinstance(source, list):
            if len(source) != 1:
                raise SystemExit("only one source per role is supported")
            source = source[0]
        if not isinstance(source, str):
            raise SystemExit("only Holdout's own CSV sources are supported")
        return os.path.join(base, source)

    metrics = []
    for m in exp["metrics"]:
        kind = m["kind"]
        events = m.get("events", m.get("event"))
        events = [events] if isinstance(events, str) else list(events)
        window = m.get("window_days", 7 if kind == "retention" else None)
        start = micros(m.get("day", 0)) if kind == "retention" else 0
        length = micros(window)
        cap = m.get("cap")
        metrics.append({
            "name": m["name"], "kind": kind, "events": events,
            "win_start": start, "win_len": length, "win_end": start + length,
            "cap": None if cap is None else int(cap * 1_000_000 + 0.5),
            "cap_pct": m.get("cap_percentile"),
        })
    exposure = exp.get("exposure", [])
    exposure = [exposure] if isinstance(exposure, str) else list(exposure)
    return {
        "cohort": one(inputs["cohort"]),
        "messages": one(inputs["messages"]) if inputs.get("messages") else None,
        "events": one(inputs["events"]),
        "as_of": exp["as_of"],
        "arms": [a["name"] for a in exp["arms"]],
        "exposure": exposure,
        "metrics": metrics,
    }


def stats_entry(n, sx, sxx, sp, spp, sxp):
    """Exact micro-unit sums (Python ints) to the output form, in units."""
    return {
        "n": int(n),
        "sum": int(sx) / 10**6, "sum_squares": int(sxx) / 10**12,
        "pre_sum": int(sp) / 10**6, "pre_sum_squares": int(spp) / 10**12,
        "sum_product": int(sxp) / 10**12,
    }


def write(path, tool, exp, users, exposed, metric_rows):
    """metric_rows: {(metric name, arm): (n, sx, sxx, sp, spp, sxp)} in micro-units."""
    out = {
        "tool": tool,
        "users": {a: int(users.get(a, 0)) for a in exp["arms"]},
        "exposed": {a: int(exposed.get(a, 0)) for a in exp["arms"]},
        "metrics": {
            m["name"]: {
                a: stats_entry(*metric_rows.get((m["name"], a), (0, 0, 0, 0, 0, 0)))
                for a in exp["arms"]
            }
            for m in exp["metrics"]
        },
    }
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
