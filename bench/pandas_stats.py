#!/usr/bin/env python3
"""Holdout's per-arm sufficient statistics in pandas: usage `pandas_stats.py EXPERIMENT OUT.json`.

The CSV files are read with pandas' C parser and every column as str; the parsing of mixed
timestamps and decimal values, the checks, de-duplication, windows, maturity, caps and sums are
vectorised pandas/numpy. Two things pandas' reader does not do are added:

- Field counts. pandas pads a row with too few fields instead of flagging it (and, reading only
  the needed columns, keeps rows with too many), so each record's field count is taken from the
  raw bytes with numpy (commas and line feeds outside double quotes), and rows with the wrong
  count are dropped as Holdout rejects them.
- Exactness. Common timestamp shapes go through pd.to_datetime; the rare other forms of Holdout's
  grammar (second 60, " UTC", ±hhmm, a comma fraction, years outside pandas' nanosecond range, an
  epoch with a fraction, …) and values in exponent form go through a small per-row parser that
  follows Sources/Ingest/Timestamp.swift and Decimal.swift. Sums are exact integers in
  micro-units, as in Holdout.
"""

import os
import re
import sys

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import experiment  # noqa: E402

NEVER = np.iinfo(np.int64).min  # "not a timestamp / not a number"

# ---------------------------------------------------------------------------------------------
# CSV records: field counts from the raw bytes.
# ---------------------------------------------------------------------------------------------


def record_field_counts(path, chunk_bytes=1 << 24):
    """Fields per non-blank record after the header, in file order (LF or CRLF records; commas
    and line feeds inside double quotes do not count)."""
    counts = []
    carry_commas = 0  # commas of the record still open at the end of the previous chunk
    carry_len = 0  # its length in bytes
    in_quote = 0
    prev_last = 0  # the previous chunk's last byte
    with open(path, "rb") as f:
        while True:
            chunk = np.frombuffer(f.read(chunk_bytes), dtype=np.uint8)
            if chunk.size == 0:
                break
            quotes = chunk == 0x22
            if quotes.any():
                parity = np.bitwise_xor.accumulate(quotes.view(np.uint8)) ^ in_quote
                outside = (parity == 0) & ~quotes
                in_quote = int(parity[-1])
            else:
                outside = None
            newline = chunk == 0x0A
            comma = chunk == 0x2C
            if outside is not None:
                newline &= outside
                comma &= outside
            nl = np.flatnonzero(newline)
            cm = np.flatnonzero(comma)
            if nl.size:
                before = np.searchsorted(cm, nl)
                commas = np.diff(before, prepend=0)
                commas[0] += carry_commas
                starts = np.concatenate(([0], nl[:-1] + 1))
                lengths = nl - starts
                lengths[0] += carry_len
                prev_byte = np.where(nl > 0, chunk[np.maximum(nl - 1, 0)], prev_last)
                blank = (lengths == 0) | ((lengths == 1) & (prev_byte == 0x0D))
                counts.append((commas + 1)[~blank])
                carry_commas = int(cm.size - before[-1])
                carry_len = int(chunk.size - nl[-1] - 1)
            else:
                carry_commas += int(cm.size)
                carry_len += int(chunk.size)
            prev_last = int(chunk[-1])
    if carry_len > 0 and not (carry_len == 1 and prev_last == 0x0D):
        counts.append(np.array([carry_commas + 1]))
    counts = np.concatenate(counts) if counts else np.zeros(0, dtype=np.int64)
    return counts[1:]  # the header


def read(path, wanted):
    """The wanted columns (alias, header column) of the rows with the right field count, as str.

    Only the wanted columns are parsed (usecols). With usecols pandas keeps every record, even
    one with too many fields, so its rows line up one to one with the counted records."""
    header = experiment.header(path)
    counts = record_field_counts(path)
    use = sorted({header.index(column) for _, column in wanted if column in header})
    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, engine="c",
                     header=0, names=header, usecols=use, skip_blank_lines=True)
    if len(counts) != len(df):
        raise SystemExit(f"{path}: {len(df)} rows read by pandas but {len(counts)} records counted")
    good = counts == len(header)
    return pd.DataFrame({
        alias: (df[column].to_numpy(dtype=object)[good] if column in header
                else np.full(int(good.sum()), "", dtype=object))
        for alias, column in wanted
    })


# ---------------------------------------------------------------------------------------------
# Timestamps (Sources/Ingest/Timestamp.swift)
# ---------------------------------------------------------------------------------------------

# Shapes that pd.to_datetime(format="ISO8601", utc=True) reads exactly as Holdout does.
FAST_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
                      r"(?:\.[0-9]{1,9})?(?:Z|[+-](?:0[0-9]|1[0-8]):[0-5][0-9])")
ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[Tt ]([0-9]{2}):([0-9]{2})"
                 r"(?::([0-9]{2})(?:[.,]([0-9]+))?)?"
                 r"(?: ?(?:[Zz]|UTC|([+-])([0-9]{2})(?::?([0-9]{2}))?))?)?")
EPOCH = re.compile(r"([0-9]{1,18})(?:\.([0-9]+))?")
EPOCH_INTEGER = re.compile(r"[0-9]{1,18}")
DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def days_from_civil(y, m, d):
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def parse_timestamp(s):
    """One timestamp, exactly as Holdout reads it: microseconds, or NEVER."""
    if not s:
        return NEVER
    if len(s) > 4 and s[4] == "-":
        m = ISO.fullmatch(s)
        if not m:
            return NEVER
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        leap = (y % 4 == 0 and y % 100 != 0) or y % 400 == 0
        if not 1 <= mo <= 12 or not 1 <= d <= (29 if mo == 2 and leap else DAYS_IN_MONTH[mo - 1]):
            return NEVER
        h = int(m[4] or 0)
        mi = int(m[5] or 0)
        se = int(m[6] or 0)
        fraction = int((m[7] or "")[:6].ljust(6, "0"))
        zh, zm = int(m[9] or 0), int(m[10] or 0)
        if h > 23 or mi > 59 or se > 60 or zh > 18 or zm > 59:
            return NEVER
        offset = (zh * 60 + zm) * 60_000_000 * (-1 if m[8] == "-" else 1)
        return (days_from_civil(y, mo, d) * 86_400_000_000 + ((h * 60 + mi) * 60 + se) * 1_000_000
                + fraction - offset)
    m = EPOCH.fullmatch(s)
    if not m:
        return NEVER
    integer = int(m[1])
    digits = (m[2] or "")[:9]
    fraction, scale = (int(digits), 10 ** len(digits)) if digits else (0, 1)
    if integer >= 100_000_000_000_000:
        return integer
    if integer >= 100_000_000_000:
        return integer * 1000 + fraction * 1000 // scale
    return integer * 1_000_000 + fraction * 1_000_000 // scale


def timestamps(s):
    """A column of timestamp text to int64 microseconds (NEVER where it is not a timestamp)."""
    out = np.full(len(s), NEVER, dtype=np.int64)
    text = pd.Series(s, copy=False)
    fast = text.str.fullmatch(FAST_ISO).to_numpy(dtype=bool)
    if fast.any():
        parsed = pd.to_datetime(text[fast], format="ISO8601", utc=True, errors="coerce")
        ok = ~parsed.isna().to_numpy()
        ns = parsed.to_numpy(dtype="datetime64[ns]").view(np.int64)
        out[np.flatnonzero(fast)] = np.where(ok, ns // 1000, NEVER)
        fast[np.flatnonzero(fast)[~ok]] = False  # out of pandas' range or not a date: exact path
    rest = np.flatnonzero(~fast)
    digits = text.iloc[rest].str.fullmatch(EPOCH_INTEGER).to_numpy(dtype=bool)
    if digits.any():  # plain epoch integers
        n = pd.to_numeric(text.iloc[rest[digits]]).to_numpy(dtype=np.int64)
        out[rest[digits]] = np.where(n >= 100_000_000_000_000, n,
                                     np.where(n >= 100_000_000_000, n * 1000, n * 1_000_000))
    other = rest[~digits]
    if other.size:
        out[other] = np.fromiter((parse_timestamp(x) for x in text.iloc[other]), dtype=np.int64,
                                 count=other.size)
    return out


# ---------------------------------------------------------------------------------------------
# Values (Sources/Ingest/Decimal.swift): micro-units, 7th decimal rounded half away from zero.
# ---------------------------------------------------------------------------------------------

DECIMAL = r"([+-]?)([0-9]*)(?:\.([0-9]*))?"
EXPONENT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+")


def parse_exponent(s):
    if not EXPONENT.fullmatch(s) or len(re.match(r"[+-]?([0-9]*)", s)[1].lstrip("0")) > 12:
        return NEVER
    v = float(s)
    if not abs(v) < 1e12:
        return NEVER
    scaled = v * 1e6
    return int(np.floor(abs(scaled) + 0.5)) * (1 if scaled >= 0 else -1)


def values(s):
    """Value text to int64 micro-units; NEVER where it is not a number ('' is 0 and no value)."""
    out = np.zeros(len(s), dtype=np.int64)
    text = pd.Series(s, copy=False)
    present = (text != "").to_numpy()
    if not present.any():
        return out
    sub = text[present]
    parts = sub.str.extract("^" + DECIMAL + "$")
    sign, ip, fp = parts[0], parts[1], parts[2].fillna("")
    plain = (ip.notna() & ((ip.fillna("") != "") | (fp != ""))
             & ip.fillna("").str.lstrip("0").str.len().le(12)).to_numpy()
    micros = np.full(len(sub), NEVER, dtype=np.int64)
    if plain.any():
        ipn = pd.to_numeric(ip[plain].replace("", "0")).to_numpy(dtype=np.int64)
        f = fp[plain]
        frac = pd.to_numeric(f.str[:6].str.ljust(6, "0")).to_numpy(dtype=np.int64)
        up = (f.str[6:7] >= "5").to_numpy()
        neg = (sign[plain] == "-").to_numpy()
        micros[plain] = np.where(neg, -1, 1) * (ipn * 1_000_000 + frac + up)
    other = ~plain
    if other.any():
        micros[other] = [parse_exponent(x) for x in sub[other]]
    out[present] = micros
    return out


# ---------------------------------------------------------------------------------------------
# The measurement
# ---------------------------------------------------------------------------------------------


def nonempty(col):
    return (pd.Series(col, copy=False) != "").to_numpy()


def exact_sum(a):
    return int(a.sum(dtype=object)) if a.size else 0


def exact_dot(a, b):
    return int(np.dot(a.astype(object), b.astype(object))) if a.size else 0


def main():
    exp_path, out_path = sys.argv[1], sys.argv[2]
    exp = experiment.load(exp_path)
    arms = exp["arms"]
    as_of = parse_timestamp(exp["as_of"])

    # Cohort: reject, first valid row per user wins, analyse real arms entered before as_of.
    c = read(exp["cohort"], [("user_id", "user_id"), ("entered_at", "entered_at"), ("arm", "arm")])
    c = c[nonempty(c["user_id"])]
    t0 = timestamps(c["entered_at"].to_numpy())
    ok = (t0 != NEVER) & c["arm"].isin(arms + ["excluded"]).to_numpy()
    c = c[ok].assign(t0=t0[ok])
    c = c[~c["user_id"].duplicated(keep="first").to_numpy()]
    c = c[(c["arm"] != "excluded").to_numpy() & (c["t0"].to_numpy() < as_of)]
    users = pd.Index(c["user_id"].to_numpy())
    cohort_t0 = c["t0"].to_numpy()
    arm_code = pd.Categorical(c["arm"], categories=arms).codes.astype(np.int64)

    def rows(path, role):
        """Valid, de-duplicated rows before as_of of analysed users: (user index, event, t, v)."""
        if role == "events":
            df = read(path, [("user_id", "user_id"), ("event", "event"), ("ts", "timestamp"),
                             ("value", "value"), ("key", "event_id")])
        else:
            df = read(path, [("user_id", "user_id"), ("event", "event"), ("ts", "timestamp"),
                             ("key", "message_id")])
        df = df[nonempty(df["user_id"]) & nonempty(df["event"])]
        t = timestamps(df["ts"].to_numpy())
        ok = t != NEVER
        v = np.zeros(len(df), dtype=np.int64)
        if role == "events":
            v = values(df["value"].to_numpy())
            ok &= (v != NEVER) & (np.abs(np.where(v == NEVER, 0, v)) <= 10**15)
        df, t, v = df[ok], t[ok], v[ok]
        # De-duplication: first in file order wins; an empty id never de-duplicates.
        keyed = nonempty(df["key"])
        subset = ["key"] if role == "events" else ["key", "event"]
        dup = keyed & df.duplicated(subset=subset, keep="first").to_numpy()
        keep = ~dup & (t < as_of)
        df, t, v = df[keep], t[keep], v[keep]
        u = users.get_indexer(df["user_id"].to_numpy())
        inside = u >= 0
        return u[inside], df["event"].to_numpy()[inside], t[inside], v[inside]

    ev = rows(exp["events"], "events")
    parts = [ev]
    exposed_users = np.zeros(len(users), dtype=bool)
    if exp["messages"]:
        ms = rows(exp["messages"], "messages")
        parts.append(ms)
        mu, me, mt, _ = ms
        reach = pd.Series(me).isin(exp["exposure"]).to_numpy() & (mt >= cohort_t0[mu])
        exposed_users[mu[reach]] = True
    u = np.concatenate([p[0] for p in parts])
    event = np.concatenate([p[1] for p in parts])
    t = np.concatenate([p[2] for p in parts])
    v = np.concatenate([p[3] for p in parts])
    offset = t - cohort_t0[u]
    event = pd.Categorical(event)  # one hash pass; metrics then select by code

    def is_event(names):
        codes = [event.categories.get_loc(n) for n in names if n in event.categories]
        return np.isin(event.codes, codes)

    n_arms = len(arms)
    users_per_arm = np.bincount(arm_code, minlength=n_arms)
    exposed_per_arm = np.bincount(arm_code[exposed_users], minlength=n_arms)
    result = {}
    for m in exp["metrics"]:
        hit = is_event(m["events"])
        post_rows = hit & (offset >= m["win_start"]) & (offset < m["win_end"])
        pre_rows = hit & (offset < 0) & (offset >= -m["win_len"])
        per_user = []
        for rows_mask in (post_rows, pre_rows):
            x = np.zeros(len(users), dtype=np.int64)
            if m["kind"] == "revenue":
                np.add.at(x, u[rows_mask], v[rows_mask])
            elif m["kind"] == "count":
                x = np.bincount(u[rows_mask], minlength=len(users)).astype(np.int64) * 1_000_000
            else:
                x[u[rows_mask]] = 1_000_000
            per_user.append(x)
        post, pre = per_user
        mature = cohort_t0 + m["win_end"] <= as_of
        cap = m["cap"]
        if cap is None and m["cap_pct"] is not None and mature.any():
            # type-7 percentile of the pooled mature users' totals, rounded half away from zero
            q = np.quantile(post[mature].astype(np.float64), m["cap_pct"])
            cap = int(np.floor(abs(q) + 0.5)) * (1 if q >= 0 else -1)
        if cap is not None:
            post, pre = np.minimum(post, cap), np.minimum(pre, cap)
        for a, arm in enumerate(arms):
            sel = mature & (arm_code == a)
            x, p = post[sel], pre[sel]
            result[(m["name"], arm)] = (int(sel.sum()), exact_sum(x), exact_dot(x, x),
                                        exact_sum(p), exact_dot(p, p), exact_dot(x, p))
    experiment.write(out_path, "pandas " + pd.__version__, exp,
                     dict(zip(arms, users_per_arm.tolist())),
                     dict(zip(arms, exposed_per_arm.tolist())), result)


if __name__ == "__main__":
    main()
