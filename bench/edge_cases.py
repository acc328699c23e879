#!/usr/bin/env python3
"""Writes a small experiment full of edge cases: usage `edge_cases.py OUT_DIR`.

The simulated data only uses four timestamp forms, no quoting, no conflicting duplicates and no
pre-entry orders, so it cannot tell whether a reimplementation follows Holdout on the rest. This
fixture plants each case next to random background users, and run.sh checks that DuckDB and
pandas still agree with `holdout report` on it:

- every timestamp form of docs/experiment-file.md (Z/z, ±hh:mm, ±hhmm, ±hh, " UTC", a space
  before the zone, t and space separators, minutes only, date only, second 60, dot and comma
  fractions, 9 fraction digits, epoch seconds/milliseconds/microseconds with and without a
  fraction) and rejected ones (hour 24, offset 19 h, Feb 30, month 13, spaces, "yesterday");
- values: refunds, .99, exponents, 7th-decimal rounding, "12;99", "12,99" (quoted), "NaN";
- RFC 4180 quoting (quoted ids and a quoted comma), short and long rows, empty ids and events;
- de-duplication: conflicting event_id reuse (first in file order wins), a rejected first row
  that must not take part, a first copy after as_of that hides a second one before it,
  messages keyed by (message_id, event), empty ids never de-duplicated;
- window and maturity boundaries to the microsecond (offset 0 in, window end out, t0 + window =
  as_of mature), rows at as_of, pre-period orders above the cap, excluded / unknown arms,
  duplicate cohort users (a rejected first row does not count), entry at or after as_of,
  deliveries before entry and at entry;
- a count metric with a percentile cap.
"""

import json
import os
import random
import sys

AS_OF = 1794787200_000000  # 2026-11-16T00:00:00Z in microseconds
DAY = 86_400_000_000


def iso(us, form="Z"):
    """us (UTC microseconds) written in one of Holdout's accepted forms."""
    s, frac = divmod(us, 1_000_000)
    days, rest = divmod(s, 86400)
    # civil from days (Hinnant)
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    y = yoe + era * 400 + (1 if m <= 2 else 0)
    hh, mm, ss = rest // 3600, rest // 60 % 60, rest % 60
    date = f"{y:04d}-{m:02d}-{d:02d}"
    base = f"{date}T{hh:02d}:{mm:02d}:{ss:02d}"
    f6 = f".{frac:06d}" if frac else ""
    if form == "Z":
        return base + f6 + "Z"
    if form == "z":
        return base.replace("T", "t") + f6 + "z"
    if form == "space":
        return base.replace("T", " ") + f6
    if form == "utc":
        return base.replace("T", " ") + f6 + " UTC"
    if form == "noZ":
        return base + f6
    if form in ("+02:00", "-05:30", "+0530", "+05", "-11", " +00:00"):
        sign = -1 if form.strip()[0] == "-" else 1
        body = form.strip()[1:].replace(":", "")
        hours = int(body[:2])
        minutes = int(body[2:]) if len(body) > 2 else 0
        local = iso(us + sign * (hours * 60 + minutes) * 60_000_000, "noZ")
        return local + form
    if form == "nanos":
        return base + f".{frac:06d}789Z"
    if form == "comma":
        return base + (f",{frac:06d}" if frac else "") + "Z"
    raise ValueError(form)


def epoch(us, unit):
    if unit == "s":
        return str(us // 1_000_000)
    if unit == "s.frac":
        return f"{us // 1_000_000}.{us % 1_000_000:06d}"
    if unit == "ms":
        return str(us // 1000)
    if unit == "ms.frac":
        return f"{us // 1000}.{us % 1000:03d}"
    if unit == "us":
        return str(us)
    raise ValueError(unit)


FORMS = ["Z", "z", "space", "utc", "noZ", "+02:00", "-05:30", "+0530", "+05", "-11", " +00:00",
         "nanos", "comma"]
UNITS = ["s", "s.frac", "ms", "ms.frac", "us"]


def any_form(us, rng):
    k = rng.randrange(len(FORMS) + len(UNITS))
    if k < len(FORMS):
        form = FORMS[k]
        return iso(us, form)
    unit = UNITS[k - len(FORMS)]
    if unit in ("s", "ms"):  # whole units only, so the instant is exact
        us -= us % (1_000_000 if unit == "s" else 1000)
    return epoch(us, unit)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(7)
    arms = ["holdout", "sms", "sms_email"]
    cohort, events, messages = [], [], []

    # Background users: entries over 70 days before as_of, random orders and sessions around
    # entry (including before it), deliveries and unsubscribes.
    users = []
    for i in range(400):
        uid = f"u{i:04d}"
        t0 = AS_OF - rng.randrange(1, 70 * DAY)
        arm = rng.choice(arms)
        users.append((uid, t0, arm))
        cohort.append([uid, any_form(t0, rng), arm, rng.choice(["a", "b"])])
    ev_id = 0
    msg_id = 0
    for uid, t0, arm in users:
        for _ in range(rng.randrange(0, 6)):
            t = t0 + rng.randrange(-40 * DAY, 45 * DAY)
            ev_id += 1
            events.append([uid, "order", any_form(t, rng), f"{rng.randrange(1, 90000) / 100:.2f}", f"e{ev_id}"])
        for _ in range(rng.randrange(0, 8)):
            t = t0 + rng.randrange(-10 * DAY, 40 * DAY)
            ev_id += 1
            events.append([uid, "session", any_form(t, rng), "", f"e{ev_id}" if rng.random() < 0.8 else ""])
        if arm != "holdout" or rng.random() < 0.05:
            for ev in ["sms_delivered"] + (["email_delivered"] if arm == "sms_email" else []):
                t = t0 + rng.randrange(-DAY // 2, 3 * DAY)
                msg_id += 1
                ch = ev.split("_")[0]
                messages.append([uid, ev, any_form(t, rng), ch if rng.random() < 0.9 else "", "win,back", f"m{msg_id}"])
            if rng.random() < 0.1:
                msg_id += 1
                messages.append([uid, rng.choice(["sms_unsubscribed", "email_unsubscribed"]),
                                 any_form(t0 + rng.randrange(0, 20 * DAY), rng), "", "winback", f"m{msg_id}"])

    # Planted cases.
    t0 = AS_OF - 40 * DAY
    cohort += [
        ["x_boundary", iso(AS_OF - 14 * DAY), "sms", "a"],  # t0 + 14 d = as_of: mature
        ["x_late", iso(AS_OF - 14 * DAY + 1), "sms", "a"],  # 1 µs later: not mature
        ["x_after", iso(AS_OF), "sms", "a"],  # entered at as_of: not analysed
        ["x_excluded", iso(t0), "excluded", "a"],
        ["x_badarm", iso(t0), "email_only", "a"],
        ["x_dup", iso(t0), "holdout", "a"],
        ["x_dup", iso(t0 - DAY), "sms", "b"],  # duplicate user: first row wins
        ["x_badfirst", "2026-02-30T00:00:00Z", "holdout", "a"],  # rejected: does not count
        ["x_badfirst", iso(t0), "sms_email", "b"],
        ["", iso(t0), "sms", "a"],
        ["x_short", iso(t0), "sms"],
        ["x_long", iso(t0), "sms", "a", "extra"],
        ['"x,quoted"', iso(t0), "sms_email", "a"],
        ["x_pre", iso(t0), "holdout", "b"],
        ["x_sec60", "2026-10-07T23:59:60Z", "sms", "a"],
        ["x_dateonly", "2026-10-07", "sms_email", "b"],
    ]
    b = AS_OF - 14 * DAY
    events += [
        ["x_boundary", "order", iso(b), "5", "p1"],  # offset 0: in
        ["x_boundary", "order", iso(b + 14 * DAY - 1), "7", "p2"],  # last µs of the window
        ["x_late", "order", iso(b + 1), "9", "p3"],
        ["x_dup", "order", iso(t0 + DAY), "10", "p4"],
        ["x_badfirst", "order", iso(t0 + DAY), "11", "p5"],
        ['"x,quoted"', "order", iso(t0 + 2 * DAY), '"12,99"', "p6"],  # bad_number
        ['"x,quoted"', "order", iso(t0 + 2 * DAY), "1.5e2", "p7"],
        ['"x,quoted"', "order", iso(t0 + 2 * DAY, "nanos"), "12.3456785", "p8"],
        ['"x,quoted"', "order", iso(t0 + 3 * DAY), "-3.20", "p9"],  # refund
        ['"x,quoted"', "order", iso(t0 + 3 * DAY), ".99", "p10"],
        ["x_pre", "order", iso(t0 - 30 * DAY), "800", "q1"],  # pre-period start: in
        ["x_pre", "order", iso(t0 - 30 * DAY - 1), "800", "q2"],  # 1 µs before: out
        ["x_pre", "order", iso(t0 - DAY), "700", "q3"],  # pre total 1500 → capped at 1000
        ["x_pre", "order", iso(t0 - 1), "1e3", "q4"],
        ["x_pre", "order", iso(t0 + DAY), "900", "q5"],
        ["x_pre", "order", iso(t0 + 2 * DAY), "900", "q6"],  # post total 1800 → 1000
        ["x_pre", "order", iso(t0 + 30 * DAY), "900", "q7"],  # window end: out
        ["x_pre", "session", iso(t0 - 7 * DAY), "", "q8"],  # retention pre-period start
        ["x_pre", "session", iso(t0 + 7 * DAY), "", "q9"],  # retained_d7 start
        ["x_pre", "session", iso(t0 + 37 * DAY - 1), "", "q10"],  # retained_d30 last µs
        ["x_sec60", "order", "2026-10-08T00:00:00Z", "1", "s60"],  # = entry (second 60 rolls over)
        ["x_dateonly", "order", "2026-10-07T00:00:00.000000Z", "2", "d1"],
        ["x_dateonly", "order", "1791331200", "3", ""],  # 2026-10-07 as epoch seconds: in
        ["x_dateonly", "order", "1791331199.999999", "4", ""],  # 1 µs before entry: pre
        ["x_dateonly", "order", "1791331200000.5", "5", ""],  # ms with a fraction
        ["x_dateonly", "order", "1791331200000001", "6", ""],  # microseconds
        ["x_dateonly", "order", "2026-10-07T01:00+01", "7", ""],  # = entry
        ["x_dateonly", "order", "2026-10-06T19:00-0500", "8", ""],  # = entry
        ["x_dateonly", "order", "2026-10-07 00:00 UTC", "9", ""],
        # conflicting reuse of an id: the first row in file order wins
        ["x_dup", "order", iso(t0 + 3 * DAY), "100", "c1"],
        ["x_badfirst", "order", iso(t0 + 3 * DAY), "200", "c1"],
        # a rejected first row does not take part in de-duplication
        ["x_badfirst", "order", "2026-13-45T00:00:00Z", "300", "c2"],
        ["x_badfirst", "order", iso(t0 + 4 * DAY), "400", "c2"],
        ["x_badfirst", "order", iso(t0 + 4 * DAY), "12;99", "c3"],
        ["x_badfirst", "order", iso(t0 + 4 * DAY), "500", "c3"],
        # a first copy at as_of hides the second copy before it
        ["x_dup", "order", iso(AS_OF), "600", "c4"],
        ["x_dup", "order", iso(t0 + 5 * DAY), "600", "c4"],
        # rejected rows
        ["x_dup", "order", "yesterday", "1", ""],
        ["x_dup", "order", "2026-10-03T24:00:00Z", "1", ""],
        ["x_dup", "order", "2026-10-03T14:22:05+19:00", "1", ""],
        ["x_dup", "order", " 2026-10-03T14:22:05Z", "1", ""],
        ["x_dup", "order", "2026-10-03T14:22:05Z ", "1", ""],
        ["x_dup", "order", "2026-10-03T14", "1", ""],
        ["x_dup", "order", "10/03/2026", "1", ""],
        ["x_dup", "order", iso(t0 + DAY), "NaN", ""],
        ["x_dup", "order", iso(t0 + DAY), " 12", ""],
        ["x_dup", "order", iso(t0 + DAY), "1e", ""],
        ["x_dup", "order", iso(t0 + DAY), "2000000000", ""],  # beyond ±1e9: out of range
        ["", "order", iso(t0 + DAY), "1", ""],
        ["x_dup", "", iso(t0 + DAY), "1", ""],
        ["x_dup", "order", iso(t0 + DAY)],
        ["x_dup", "order", iso(t0 + DAY), "1", "z1", "extra"],
        ["x_dup", "session", iso(AS_OF), "", ""],  # at as_of: ignored
        ["x_excluded", "order", iso(t0 + DAY), "1", ""],
        ["nobody", "order", iso(t0 + DAY), "1", ""],
    ]
    messages += [
        ["x_pre", "sms_delivered", iso(t0 - 1), "sms", "winback", "n1"],  # before entry
        ["x_dup", "sms_delivered", iso(t0), "sms", "winback", "n2"],  # at entry: reached
        ["x_dup", "sms_unsubscribed", iso(t0 + DAY), "sms", "winback", "n2"],  # other event: kept
        ["x_badfirst", "sms_unsubscribed", iso(t0 - DAY), "sms", "winback", "n3"],  # pre-period
        ["x_badfirst", "sms_unsubscribed", iso(t0 + DAY), "sms", "winback", "n3"],  # dup of the above
        ["x_boundary", "email_unsubscribed", iso(b + 14 * DAY - 1), "", "winback", ""],
        ["x_boundary", "email_delivered", "2026-11-02T00:00:00.000001Z", "", "winback", ""],
        ["x_late", "sms_delivered", "not-a-time", "sms", "winback", "n4"],
        ["x_late", "sms_delivered", iso(AS_OF - 1), "sms", "winback", "n4"],
    ]

    # Planted rows keep their order relative to each other (de-duplication is first-wins): the
    # background rows are shuffled and the planted ones appended after them.
    background = [not e[0].startswith(("x_", '"x', "nobody")) and e[0] != "" for e in events]
    bg_events = [e for e, bg in zip(events, background) if bg]
    planted_events = [e for e, bg in zip(events, background) if not bg]
    rng.shuffle(bg_events)
    bg_messages = [m for m in messages if m[5].startswith("m") and m[5][1:].isdigit()]
    planted_messages = [m for m in messages if not (m[5].startswith("m") and m[5][1:].isdigit())]
    rng.shuffle(bg_messages)
    for name, header, rows in [
        ("cohort.csv", ["user_id", "entered_at", "arm", "segment"], cohort),
        ("events.csv", ["user_id", "event", "timestamp", "value", "event_id"], bg_events + planted_events),
        ("messages.csv", ["user_id", "event", "timestamp", "channel", "campaign", "message_id"],
         bg_messages + planted_messages),
    ]:
        with open(os.path.join(out, name), "w", newline="") as f:
            f.write(",".join(header) + "\n")
            for r in rows:
                f.write(",".join(x if x.startswith('"') or "," not in x else f'"{x}"' for x in r) + "\n")

    experiment = {
        "key": "edge-cases", "salt": "edge-cases", "hash_version": 2,
        "arms": [{"name": "holdout", "weight": 0.1, "control": True},
                 {"name": "sms", "weight": 0.45}, {"name": "sms_email", "weight": 0.45}],
        "inputs": {"cohort": "cohort.csv", "messages": "messages.csv", "events": "events.csv"},
        "as_of": "2026-11-16T00:00:00Z",
        "exposure": ["sms_delivered", "email_delivered"],
        "metrics": [
            {"name": "conversion_14d", "kind": "conversion", "event": "order", "window_days": 14, "role": "primary"},
            {"name": "orders_30d", "kind": "count", "event": "order", "window_days": 30, "role": "secondary",
             "cap_percentile": 0.9},
            {"name": "revenue_30d", "kind": "revenue", "event": "order", "window_days": 30, "role": "secondary",
             "cap": 1000},
            {"name": "retained_d7", "kind": "retention", "event": "session", "day": 7, "window_days": 7,
             "role": "secondary"},
            {"name": "retained_d30", "kind": "retention", "event": "session", "day": 30, "window_days": 7,
             "role": "secondary"},
            {"name": "unsubscribed_14d", "kind": "conversion", "events": ["sms_unsubscribed", "email_unsubscribed"],
             "window_days": 14, "role": "guardrail", "harmful": "increase"},
        ],
        "segments": ["segment"],
        "analysis": {"alpha": 0.05},
    }
    with open(os.path.join(out, "experiment.json"), "w") as f:
        json.dump(experiment, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
