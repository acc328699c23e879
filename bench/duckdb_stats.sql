-- Holdout's per-arm sufficient statistics, recomputed in DuckDB SQL.
--
-- Driven by bench/duckdb_stats.py, which defines (from the experiment file):
--   views   cohort_raw(rn, user_id, entered_at, arm, segment...)   all VARCHAR, rn = file order
--           messages_raw(rn, user_id, event, ts, channel, message_id)
--           events_raw(rn, user_id, event, ts, value, event_id)
--           (read_csv with every column VARCHAR; rows with the wrong field count or broken
--           quotes are skipped by ignore_errors, which is Holdout's `rejected` fate)
--   tables  arms(arm, arm_index), exposure_events(event),
--           metrics(m, name, kind, win_start, win_end, win_len, cap, cap_pct),
--           metric_events(m, event)
--           (windows and caps in micro-units: microseconds and value × 10⁶)
--   variable as_of (the experiment's as_of text, parsed here like any timestamp)
--
-- Everything is exact integer arithmetic in micro-units (BIGINT per user, HUGEINT sums), as in
-- Holdout (Sources/Measurement/ExactSums.swift). Parsing follows Sources/Ingest/Timestamp.swift
-- and Sources/Ingest/Decimal.swift.

-- ---------------------------------------------------------------------------------------------
-- Timestamps: ISO-8601 (date, minutes, seconds, fraction, Z/z, ±HH[[:]MM], " UTC", T/t/space
-- separator) or Unix epoch seconds / milliseconds (integer part ≥ 1e11) / microseconds (≥ 1e14).
-- NULL when not a timestamp. Text whose 5th character is '-' is read as ISO, anything else as an
-- epoch, as Holdout does.
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE MACRO n0(x) AS coalesce(CAST(nullif(x, '') AS BIGINT), 0);

-- Three stages, each materialized by the caller so that no expression is evaluated twice (a
-- macro repeats its argument at every use, and DuckDB inlines CTEs):
--   1. kind = ts_kind(s): 'iso', 'epoch' or NULL. A full match without capture groups runs on
--      RE2's DFA. Text whose 5th character is '-' is read as ISO, anything else as an epoch, as
--      Holdout does.
--   2. f = iso_fields(s) (ISO) or e = epoch_us(s) (epoch): the fields, cut at fixed positions
--      (YYYY-MM-DD[Thh:mm[:ss[.f…]]][zone]) with cheap string functions.
--   3. t = ts_from(kind, f, e): range checks (the date must exist) and the arithmetic.
CREATE OR REPLACE MACRO ts_kind(s) AS
  CASE WHEN substr(s, 5, 1) = '-' THEN
         CASE WHEN regexp_full_match(s,
           '[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?( ?([Zz]|UTC|[+-][0-9]{2}(:?[0-9]{2})?))?)?')
         THEN 'iso' END
       WHEN regexp_full_match(s, '[0-9]{1,18}(\.[0-9]+)?') THEN 'epoch' END;

-- The fraction digits after the seconds ('' when none), and the zone text after them.
CREATE OR REPLACE MACRO iso_digits(s) AS
  CASE WHEN substr(s, 20, 1) IN ('.', ',')
       THEN left(substr(s, 21), length(substr(s, 21)) - length(ltrim(substr(s, 21), '0123456789')))
       ELSE '' END;
CREATE OR REPLACE MACRO iso_zone(s) AS replace(ltrim(
  CASE WHEN length(s) <= 16 THEN ''
       WHEN substr(s, 17, 1) <> ':' THEN substr(s, 17)
       WHEN iso_digits(s) = '' THEN substr(s, 20)
       ELSE substr(s, 21 + length(iso_digits(s))) END, ' '), ':', '');

CREATE OR REPLACE MACRO iso_fields(s) AS {
  'y': CAST(left(s, 4) AS BIGINT),
  'mo': CAST(substr(s, 6, 2) AS BIGINT),
  'd': CAST(substr(s, 9, 2) AS BIGINT),
  'h': CASE WHEN length(s) > 10 THEN CAST(substr(s, 12, 2) AS BIGINT) ELSE 0 END,
  'mi': CASE WHEN length(s) > 10 THEN CAST(substr(s, 15, 2) AS BIGINT) ELSE 0 END,
  'se': CASE WHEN substr(s, 17, 1) = ':' THEN CAST(substr(s, 18, 2) AS BIGINT) ELSE 0 END,
  'fr': CASE WHEN iso_digits(s) = '' THEN 0 ELSE CAST(rpad(left(iso_digits(s), 6), 6, '0') AS BIGINT) END,
  -- zone (Z, z, UTC or none = 0): sign, hours and minutes of ±HH[[:]MM]
  'zs': CASE WHEN left(iso_zone(s), 1) = '-' THEN -1 ELSE 1 END,
  'zh': CASE WHEN left(iso_zone(s), 1) IN ('+', '-') THEN CAST(substr(iso_zone(s), 2, 2) AS BIGINT) ELSE 0 END,
  'zm': CASE WHEN left(iso_zone(s), 1) IN ('+', '-') AND length(iso_zone(s)) = 5
             THEN CAST(right(iso_zone(s), 2) AS BIGINT) ELSE 0 END
};

-- Days since 1970-01-01 of a proleptic Gregorian date (Fliegel & Van Flandern; every term is
-- non-negative for years 0..9999, so integer division is unambiguous).
CREATE OR REPLACE MACRO epoch_days(y, mo, d) AS
  d + (153 * (mo + 12 * ((14 - mo) // 12) - 3) + 2) // 5
    + 365 * (y + 4800 - (14 - mo) // 12)
    + (y + 4800 - (14 - mo) // 12) // 4
    - (y + 4800 - (14 - mo) // 12) // 100
    + (y + 4800 - (14 - mo) // 12) // 400
    - 32045 - 2440588;

CREATE OR REPLACE MACRO days_in_month(y, mo) AS
  CASE WHEN mo = 2 THEN CASE WHEN (y % 4 = 0 AND y % 100 <> 0) OR y % 400 = 0 THEN 29 ELSE 28 END
       WHEN mo IN (4, 6, 9, 11) THEN 30 ELSE 31 END;

-- Integer part ≥ 1e14: microseconds; ≥ 1e11: milliseconds; else seconds. Up to 9 fraction
-- digits count, truncated to the microsecond.
CREATE OR REPLACE MACRO epoch_us(s) AS
  CASE WHEN CAST(split_part(s, '.', 1) AS BIGINT) >= 100000000000000 THEN CAST(split_part(s, '.', 1) AS BIGINT)
       WHEN CAST(split_part(s, '.', 1) AS BIGINT) >= 100000000000 THEN CAST(split_part(s, '.', 1) AS BIGINT) * 1000
         + CASE WHEN split_part(s, '.', 2) = '' THEN 0
                ELSE CAST(left(split_part(s, '.', 2), 9) AS BIGINT) * 1000
                     // CAST(10 ** length(left(split_part(s, '.', 2), 9)) AS BIGINT) END
       ELSE CAST(split_part(s, '.', 1) AS BIGINT) * 1000000
         + CASE WHEN split_part(s, '.', 2) = '' THEN 0
                ELSE CAST(left(split_part(s, '.', 2), 9) AS BIGINT) * 1000000
                     // CAST(10 ** length(left(split_part(s, '.', 2), 9)) AS BIGINT) END
  END;

CREATE OR REPLACE MACRO ts_from(kind, f, e) AS
  CASE WHEN kind = 'epoch' THEN e
       WHEN kind = 'iso'
        AND f.mo BETWEEN 1 AND 12 AND f.d BETWEEN 1 AND days_in_month(f.y, f.mo)
        AND f.h <= 23 AND f.mi <= 59 AND f.se <= 60 AND f.zh <= 18 AND f.zm <= 59
       THEN epoch_days(f.y, f.mo, f.d) * 86400000000
            + ((f.h * 60 + f.mi) * 60 + f.se) * 1000000 + f.fr
            - f.zs * (f.zh * 60 + f.zm) * 60000000
  END;

-- The three stages over a relation with a timestamp column s (used as a CTE chain below).
CREATE OR REPLACE MACRO ts_stage2_f(s, kind) AS CASE WHEN kind = 'iso' THEN iso_fields(s) END;
CREATE OR REPLACE MACRO ts_stage2_e(s, kind) AS CASE WHEN kind = 'epoch' THEN epoch_us(s) END;

-- ---------------------------------------------------------------------------------------------
-- Values: [+-]digits[.digits] (at least one digit) to micro-units, 7th decimal rounding half
-- away from zero; exponent forms through DOUBLE. Integer part below 1e12. NULL = not a number.
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE MACRO dec_parts(s) AS
  regexp_extract(s, '^([+-]?)([0-9]*)(?:\.([0-9]*))?$', ['sg', 'ip', 'fp']);

CREATE OR REPLACE MACRO dec_plain(p) AS
  CASE WHEN (p.ip <> '' OR p.fp <> '') AND length(ltrim(p.ip, '0')) <= 12
  THEN CASE WHEN p.sg = '-' THEN -1 ELSE 1 END
       * (n0(p.ip) * 1000000 + CAST(rpad(left(p.fp, 6), 6, '0') AS BIGINT)
          + CASE WHEN substr(p.fp, 7, 1) >= '5' THEN 1 ELSE 0 END)
  END;

-- dp = dec_parts(s), extracted once per row by the caller.
CREATE OR REPLACE MACRO value_from(s, dp) AS
  CASE WHEN dp.ip <> '' OR dp.fp <> '' THEN dec_plain(dp)
       WHEN regexp_full_match(s, '[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+')
        AND length(ltrim(regexp_extract(s, '^[+-]?([0-9]*)', 1), '0')) <= 12
        AND abs(CAST(s AS DOUBLE)) < 1e12
       THEN CAST(round(CAST(s AS DOUBLE) * 1e6) AS BIGINT) END;

SET VARIABLE as_of_us = (
  SELECT ts_from(kind, ts_stage2_f(s, kind), ts_stage2_e(s, kind))
  FROM (SELECT s, ts_kind(s) AS kind FROM (SELECT getvariable('as_of') AS s)));

-- ---------------------------------------------------------------------------------------------
-- Cohort: reject (empty id, bad entered_at, unknown arm), keep each user's first valid row,
-- analyse users with a real arm who entered before as_of.
-- ---------------------------------------------------------------------------------------------
CREATE TEMP TABLE cohort AS
WITH k AS MATERIALIZED (
  SELECT rn, user_id, arm, entered_at AS s, ts_kind(entered_at) AS kind
  FROM cohort_raw
  WHERE user_id IS NOT NULL AND user_id <> ''
), f AS MATERIALIZED (
  SELECT rn, user_id, arm, kind, ts_stage2_f(s, kind) AS f, ts_stage2_e(s, kind) AS e FROM k
), valid AS MATERIALIZED (
  SELECT rn, user_id, arm, ts_from(kind, f, e) AS t0 FROM f
), checked AS (
  SELECT * FROM valid
  WHERE t0 IS NOT NULL AND (arm IN (SELECT arm FROM arms) OR arm = 'excluded')
), firsts AS (
  SELECT * FROM checked QUALIFY row_number() OVER (PARTITION BY user_id ORDER BY rn) = 1
)
SELECT user_id, t0, arm FROM firsts
WHERE arm <> 'excluded' AND t0 < getvariable('as_of_us');

-- ---------------------------------------------------------------------------------------------
-- Messages and events: reject (empty id, empty event, bad timestamp, bad value), de-duplicate
-- first-wins in file order (events by event_id, messages by (message_id, event); an empty id
-- never de-duplicates; rejected rows never take part), then drop rows at or after as_of.
-- ---------------------------------------------------------------------------------------------
CREATE TEMP TABLE messages_ok AS
WITH k AS MATERIALIZED (
  SELECT rn, user_id, event, message_id, ts AS s, ts_kind(ts) AS kind
  FROM messages_raw
  WHERE user_id IS NOT NULL AND user_id <> '' AND event IS NOT NULL AND event <> ''
), f AS MATERIALIZED (
  SELECT rn, user_id, event, message_id, kind, ts_stage2_f(s, kind) AS f, ts_stage2_e(s, kind) AS e
  FROM k
), valid AS MATERIALIZED (
  SELECT * FROM (SELECT rn, user_id, event, message_id, ts_from(kind, f, e) AS t FROM f)
  WHERE t IS NOT NULL
), dups AS (
  SELECT message_id, event, min(rn) AS keep FROM valid
  WHERE message_id IS NOT NULL AND message_id <> ''
  GROUP BY ALL HAVING count(*) > 1
)
SELECT v.user_id, v.event, v.t
FROM valid v LEFT JOIN dups d ON v.message_id = d.message_id AND v.event = d.event
WHERE (d.keep IS NULL OR v.rn = d.keep) AND v.t < getvariable('as_of_us');

CREATE TEMP TABLE events_ok AS
WITH k AS MATERIALIZED (
  SELECT rn, user_id, event, event_id, value, ts AS s, ts_kind(ts) AS kind,
         CASE WHEN value <> '' THEN dec_parts(value) END AS dp
  FROM events_raw
  WHERE user_id IS NOT NULL AND user_id <> '' AND event IS NOT NULL AND event <> ''
), f AS MATERIALIZED (
  SELECT rn, user_id, event, event_id, kind, ts_stage2_f(s, kind) AS f, ts_stage2_e(s, kind) AS e,
         CASE WHEN value <> '' THEN value_from(value, dp) END AS v,
         coalesce(value <> '', false) AS has_value
  FROM k
), valid AS MATERIALIZED (
  -- bad_timestamp, bad_number, and value_out_of_range for one value beyond ±1e9 units
  SELECT * FROM (SELECT rn, user_id, event, event_id, v, has_value, ts_from(kind, f, e) AS t FROM f)
  WHERE t IS NOT NULL AND (NOT has_value OR (v IS NOT NULL AND abs(v) <= 1000000000000000))
), dups AS (
  SELECT event_id, min(rn) AS keep FROM valid
  WHERE event_id IS NOT NULL AND event_id <> ''
  GROUP BY ALL HAVING count(*) > 1
)
SELECT v.user_id, v.event, v.t, v.v
FROM valid v LEFT JOIN dups d ON v.event_id = d.event_id
WHERE (d.keep IS NULL OR v.rn = d.keep) AND v.t < getvariable('as_of_us');

-- ---------------------------------------------------------------------------------------------
-- Per user and metric: the post-window value and the pre-period value [t0 − len, t0), in
-- micro-units (0/1 metrics are 0 or 10⁶). Metric events count from both files.
-- ---------------------------------------------------------------------------------------------
CREATE TEMP TABLE user_metric AS
WITH rows_all AS (
  SELECT user_id, event, t, v FROM events_ok
  UNION ALL
  SELECT user_id, event, t, NULL::BIGINT AS v FROM messages_ok
), hits AS (
  SELECT r.user_id, me.m, mt.kind, r.v,
         r.t - c.t0 >= mt.win_start AND r.t - c.t0 < mt.win_end AS is_post,
         r.t - c.t0 < 0 AND r.t - c.t0 >= -mt.win_len AS is_pre
  FROM rows_all r
  JOIN metric_events me ON me.event = r.event
  JOIN metrics mt ON mt.m = me.m
  JOIN cohort c ON c.user_id = r.user_id
)
SELECT user_id, m,
  CASE any_value(kind)
    WHEN 'revenue' THEN coalesce(sum(coalesce(v, 0)) FILTER (WHERE is_post), 0)
    WHEN 'count' THEN count(*) FILTER (WHERE is_post) * 1000000
    ELSE CASE WHEN bool_or(is_post) THEN 1000000 ELSE 0 END END AS post,
  CASE any_value(kind)
    WHEN 'revenue' THEN coalesce(sum(coalesce(v, 0)) FILTER (WHERE is_pre), 0)
    WHEN 'count' THEN count(*) FILTER (WHERE is_pre) * 1000000
    ELSE CASE WHEN bool_or(is_pre) THEN 1000000 ELSE 0 END END AS pre
FROM hits
WHERE is_post OR is_pre
GROUP BY user_id, m;

-- Mature users only (t0 + window end ≤ as_of). The cap (fixed, or the type-7 percentile of the
-- pooled mature users' window totals, rounded to a micro-unit) applies to the user's total, and
-- to the pre-period value too.
CREATE TEMP TABLE metric_stats AS
WITH mature AS (
  SELECT c.user_id, c.arm, mt.m,
         CAST(coalesce(um.post, 0) AS BIGINT) AS post, CAST(coalesce(um.pre, 0) AS BIGINT) AS pre
  FROM cohort c
  CROSS JOIN metrics mt
  LEFT JOIN user_metric um ON um.user_id = c.user_id AND um.m = mt.m
  WHERE c.t0 + mt.win_end <= getvariable('as_of_us')
), ranked AS (
  -- type-7 percentile (linear interpolation between order statistics), as Holdout and numpy
  SELECT mature.m, post, row_number() OVER (PARTITION BY mature.m ORDER BY post) - 1 AS k,
         count(*) OVER (PARTITION BY mature.m) AS cnt, mt.cap_pct AS q
  FROM mature JOIN metrics mt ON mt.m = mature.m
  WHERE mt.cap IS NULL AND mt.cap_pct IS NOT NULL
), pct AS (
  SELECT m, CAST(round(
           min(post) FILTER (WHERE k = floor(q * (cnt - 1)))
           + (q * (cnt - 1) - floor(q * (cnt - 1)))
             * (min(post) FILTER (WHERE k = least(floor(q * (cnt - 1)) + 1, cnt - 1))
                - min(post) FILTER (WHERE k = floor(q * (cnt - 1))))) AS BIGINT) AS cap
  FROM ranked GROUP BY m, q, cnt
), caps AS (
  SELECT mt.m, coalesce(mt.cap, pct.cap) AS cap FROM metrics mt LEFT JOIN pct ON pct.m = mt.m
), capped AS (
  SELECT arm, mature.m,
         CAST(CASE WHEN cap IS NULL THEN post ELSE least(post, cap) END AS HUGEINT) AS x,
         CAST(CASE WHEN cap IS NULL THEN pre ELSE least(pre, cap) END AS HUGEINT) AS p
  FROM mature JOIN caps ON caps.m = mature.m
)
SELECT m, arm, count(*) AS n, sum(x) AS sx, sum(x * x) AS sxx, sum(p) AS sp, sum(p * p) AS spp,
       sum(x * p) AS sxp
FROM capped GROUP BY m, arm;

-- Users per arm, and reached users: a first exposure (messages file) at or after entry.
CREATE TEMP TABLE arm_stats AS
SELECT a.arm,
       (SELECT count(*) FROM cohort c WHERE c.arm = a.arm) AS users,
       (SELECT count(DISTINCT m.user_id) FROM messages_ok m JOIN cohort c ON c.user_id = m.user_id
         WHERE c.arm = a.arm AND m.t >= c.t0 AND m.event IN (SELECT event FROM exposure_events)) AS exposed
FROM arms a;
