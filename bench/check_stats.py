#!/usr/bin/env python3
"""Checks that the per-arm statistics of every tool agree with Holdout's report.json.

usage: check_stats.py REPORT.json TOOL.json [TOOL.json ...]

Compared per arm: analysed users and reached (exposed) users exactly; per metric and arm, n
exactly, and sum, sum_squares and pre_mean (pre_sum / n) to 1e-9 relative (report.json prints
12 significant digits). The pre-period sums of squares and the sums of products are not in
report.json; they are checked through CUPED's θ, which Holdout reports for every comparison it
adjusts: θ = pooled covariance / pooled pre-period variance (population forms, divisor n, for
conversion and retention: p(1 − p) and Σxp/n − x̄p̄; sample forms, divisor n − 1, for count and
revenue), as in
Sources/Statistics/ArmStatistic.swift. The tools must also agree with each other on every
number to 1e-12 relative (they compute exact integer sums). Exits 1 on any disagreement.
"""

import json
import sys

REL = 1e-9


def close(a, b, rel=REL):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-300) or abs(a - b) < 1e-9


def theta(arms, kind):
    n = sum(a["n"] for a in arms)
    if n < 2:
        return None
    sx = sum(a["sum"] for a in arms)
    sp = sum(a["pre_sum"] for a in arms)
    sxp = sum(a["sum_product"] for a in arms)
    spp = sum(a["pre_sum_squares"] for a in arms)
    sxx = sum(a["sum_squares"] for a in arms)
    if kind in ("conversion", "retention"):
        # gbstats at 8f1db44 (PR #4250): a 0/1 metric's covariance has divisor n, like its variance.
        cov = (sxp - sx * sp / n) / n
        pm, m = sp / n, sx / n
        pre_var, var = max(0.0, pm * (1 - pm)), max(0.0, m * (1 - m))
    else:
        cov = (sxp - sx * sp / n) / (n - 1)
        pre_var = (spp - sp * sp / n) / (n - 1)
        var = (sxx - sx * sx / n) / (n - 1)
    if pre_var <= 0 or var <= 0:
        return None
    return cov / pre_var


def main():
    report = json.load(open(sys.argv[1]))
    tools = [json.load(open(p)) for p in sys.argv[2:]]
    problems = []
    checked = 0

    def expect(ok, what):
        nonlocal checked
        checked += 1
        if not ok:
            problems.append(what)

    for arm in report["arms"]:
        for t in tools:
            expect(t["users"][arm["name"]] == arm["users"],
                   f"{t['tool']}: users[{arm['name']}] {t['users'][arm['name']]} != holdout {arm['users']}")
            if "exposed" in arm:
                expect(t["exposed"][arm["name"]] == arm["exposed"],
                       f"{t['tool']}: exposed[{arm['name']}] {t['exposed'][arm['name']]} != holdout {arm['exposed']}")
    for metric in report["metrics"]:
        name = metric["name"]
        for ra in metric["arms"]:
            for t in tools:
                ta = t["metrics"][name][ra["arm"]]
                where = f"{t['tool']}: {name}/{ra['arm']}"
                expect(ta["n"] == ra["n"], f"{where}: n {ta['n']} != holdout {ra['n']}")
                expect(close(ta["sum"], ra["sum"]), f"{where}: sum {ta['sum']} != holdout {ra['sum']}")
                expect(close(ta["sum_squares"], ra["sum_squares"]),
                       f"{where}: sum_squares {ta['sum_squares']} != holdout {ra['sum_squares']}")
                pre_mean = ta["pre_sum"] / ta["n"] if ta["n"] else None
                expect(close(pre_mean, ra["pre_mean"]),
                       f"{where}: pre_mean {pre_mean} != holdout {ra['pre_mean']}")
        for comp in metric["comparisons"]:
            if not comp.get("cuped"):
                continue
            for t in tools:
                arms = [t["metrics"][name][comp["arm"]], t["metrics"][name][comp["control"]]]
                th = theta(arms, metric["kind"])
                expect(th is not None and close(th, comp["cuped"]["theta"], 1e-8),
                       f"{t['tool']}: {name} {comp['arm']} vs {comp['control']}: theta {th} != holdout {comp['cuped']['theta']}")
    # The tools against each other, every number.
    for t in tools[1:]:
        a, b = tools[0], t
        for key in ("users", "exposed"):
            expect(a[key] == b[key], f"{a['tool']} vs {b['tool']}: {key} {a[key]} != {b[key]}")
        for name, arms in a["metrics"].items():
            for arm, va in arms.items():
                vb = b["metrics"][name][arm]
                for field, x in va.items():
                    expect(close(x, vb[field], 1e-12),
                           f"{a['tool']} vs {b['tool']}: {name}/{arm}/{field} {x} != {vb[field]}")
    if problems:
        print(f"DISAGREE: {len(problems)} of {checked} checks failed")
        for p in problems[:40]:
            print("  " + p)
        sys.exit(1)
    print(f"agree: {checked} checks ({', '.join(t['tool'] for t in tools)} vs holdout report.json)")


if __name__ == "__main__":
    main()
