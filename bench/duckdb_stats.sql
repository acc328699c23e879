-- Holdout's per-arm sufficient statistics, recomputed in DuckDB SQL.
--
-- Driven by bench/duckdb_stats.py, which defines (from the experiment file):
--   views   cohort_raw(rn, user_id, entered_at, arm)      all VARCHAR, rn = the row's place in the file
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
-- Two stages; the caller materializes the first, because a macro repeats its argument at every
-- use and DuckDB inlines CTEs:
--   1. kind = ts_kind(s). Full matches without capture groups run on RE2's DFA:
--      'fast'  the common ISO shapes, YYYY-MM-DDThh:mm:ss[.f…](Z|±hh:mm) with hour ≤ 23,
--              second ≤ 59 and offset ≤ 18 h: DuckDB's own TIMESTAMPTZ cast reads these exactly
--              as Holdout does (it rejects dates that do not exist, applies the offset and
--              truncates the fraction to microseconds);
--      'iso'   every other form of Holdout's ISO grammar (date only, minutes only, second 60,
--              a comma fraction, t or space separator, ±hh, ±hhmm, " UTC", a space before the
--              zone): cut at fixed positions and computed exactly (iso_us);
--      'epoch' digits with an optional fraction;
--      NULL    anything else (not a timestamp). Text whose 5th character is '-' is read as ISO,
--              anything else as an epoch, as Holdout does.
--   2. t = ts_us(s, kind).
CREATE OR REPLACE MACRO ts_kind(s) AS
  CASE WHEN substr(s, 5, 1) = '-' THEN
         CASE WHEN regexp_full_match(s,
                '[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?(Z|[+-](0[0-9]|1[0-8]):[0-5][0-9])')
              THEN 'fast'
              WHEN regexp_full_match(s,
                '[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?( ?([Zz]|UTC|[+-][0-9]{2}(:?[0-9]{2})?))?)?')
              THEN 'iso' END
       WHEN regexp_full_match(s, '[0-9]{1,18}(\.[0-9]+)?') THEN 'epoch' END;

-- The fraction digits after the seconds ('' when none), and the zone text after them, without
-- a leading space or a colon: '', 'Z', 'z', 'UTC', '+hh' or '+hhmm'.
CREATE OR REPLACE MACRO iso_digits(s) AS
  CASE WHEN substr(s, 20, 1) IN ('.', ',')
       THEN left(substr(s, 21), length(substr(s, 21)) - length(ltrim(substr(s, 21), '0123456789')))
       ELSE '' END;
CREATE OR REPLACE MACRO iso_zone(s) AS replace(ltrim(
  CASE WHEN length(s) <= 16 THEN ''
       WHEN substr(s, 17, 1) <> ':' THEN substr(s, 17)
       WHEN iso_digits(s) = '' THEN substr(s, 20)
       ELSE substr(s, 21 + length(iso_digits(s))) END, ' '), ':', '');

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

-- The exact ISO path (s has Holdout's ISO shape). Only rare rows take it, so its repeated
-- sub-expressions cost little.
CREATE OR REPLACE MACRO iso_y(s) AS CAST(left(s, 4) AS BIGINT);
CREATE OR REPLACE MACRO iso_mo(s) AS CAST(substr(s, 6, 2) AS BIGINT);
CREATE OR REPLACE MACRO iso_d(s) AS CAST(substr(s, 9, 2) AS BIGINT);
CREATE OR REPLACE MACRO iso_h(s) AS CASE WHEN length(s) > 10 THEN CAST(substr(s, 12, 2) AS BIGINT) ELSE 0 END;
CREATE OR REPLACE MACRO iso_mi(s) AS CASE WHEN length(s) > 10 THEN CAST(substr(s, 15, 2) AS BIGINT) ELSE 0 END;
CREATE OR REPLACE MACRO iso_se(s) AS CASE WHEN substr(s, 17, 1) = ':' THEN CAST(substr(s, 18, 2) AS BIGINT) ELSE 0 END;
CREATE OR REPLACE MACRO iso_fr(s) AS
  CASE WHEN iso_digits(s) = '' THEN 0 ELSE CAST(rpad(left(iso_digits(s), 6), 6, '0') AS BIGINT) END;
CREATE OR REPLACE MACRO zone_h(z) AS CASE WHEN left(z, 1) IN ('+', '-') THEN CAST(substr(z, 2, 2) AS BIGINT) ELSE 0 END;
CREATE OR REPLACE MACRO zone_m(z) AS
  CASE WHEN left(z, 1) IN ('+', '-') AND length(z) = 5 THEN CAST(right(z, 2) AS BIGINT) ELSE 0 END;
CREATE OR REPLACE MACRO zone_sign(z) AS CASE WHEN left(z, 1) = '-' THEN -1 ELSE 1 END;

CREATE OR REPLACE MACRO iso_us(s) AS
  CASE WHEN iso_mo(s) BETWEEN 1 AND 12 AND iso_d(s) BETWEEN 1 AND days_in_month(iso_y(s), iso_mo(s))
        AND iso_h(s) <= 23 AND iso_mi(s) <= 59 AND iso_se(s) <= 60
        AND zone_h(iso_zone(s)) <= 18 AND zone_m(iso_zone(s)) <= 59
  THEN epoch_days(iso_y(s), iso_mo(s), iso_d(s)) * 86400000000
       + ((iso_h(s) * 60 + iso_mi(s)) * 60 + iso_se(s)) * 1000000 + iso_fr(s)
       - zone_sign(iso_zone(s)) * (zone_h(iso_zone(s)) * 60 + zone_m(iso_zone(s))) * 60000000
  END;

-- Integer part ≥ 1e14: microseconds; ≥ 1e11: milliseconds; else seconds. Up to 9 fraction
-- digits count, truncated to the microsecond.
CREATE OR REPLACE MACRO epoch_frac(s, per_unit) AS
  CASE WHEN split_part(s, '.', 2) = '' THEN 0
       ELSE CAST(left(split_part(s, '.', 2), 9) AS BIGINT) * per_unit
            // CAST(10 ** length(left(split_part(s, '.', 2), 9)) AS BIGINT) END;
CREATE OR REPLACE MACRO epoch_int(s) AS CAST(split_part(s, '.', 1) AS BIGINT);
CREATE OR REPLACE MACRO epoch_text_us(s) AS
  CASE WHEN epoch_int(s) >= 100000000000000 THEN epoch_int(s)
       WHEN epoch_int(s) >= 100000000000 THEN epoch_int(s) * 1000 + epoch_frac(s, 1000)
       ELSE epoch_int(s) * 1000000 + epoch_frac(s, 1000000) END;

CREATE OR REPLACE MACRO ts_us(s, kind) AS
  CASE WHEN kind = 'fast' THEN epoch_us(TRY_CAST(s AS TIMESTAMPTZ))
       WHEN kind = 'epoch' THEN epoch_text_us(s)
       WHEN kind = 'iso' THEN iso_us(s) END;

-- ---------------------------------------------------------------------------------------------
-- Values: [+-]digits[.digits] (at least one digit) to micro-units, 7th decimal rounding half
-- away from zero; exponent forms through DOUBLE. Integer part below 1e12. NULL = not a number.
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE MACRO n0(x) AS coalesce(CAST(nullif(x, '') AS BIGINT), 0);

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

SET TimeZone = 'UTC';
SET VARIABLE as_of_us = (SELECT ts_us(s, ts_kind(s)) FROM (SELECT getvariable('as_of') AS s));

-- ---------------------------------------------------------------------------------------------
-- Cohort: reject (empty id, bad entered_at, unknown arm), keep each user's first valid row,
-- analyse users with a real arm who entered before as_of.
-- ---------------------------------------------------------------------------------------------
CREATE TEMP TABLE cohort AS
WITH k AS MATERIALIZED (
  SELECT rn, user_id, arm, entered_at AS s, ts_kind(entered_at) AS kind
  FROM cohort_raw
  WHERE user_id IS NOT NULL AND user_id <> ''
), valid AS MATERIALIZED (
  SELECT rn, user_id, arm, ts_us(s, kind) AS t0 FROM k
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
), valid AS MATERIALIZED (
  SELECT * FROM (SELECT rn, user_id, event, message_id, ts_us(s, kind) AS t FROM k)
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
), valid AS MATERIALIZED (
  -- bad_timestamp, bad_number, and value_out_of_range for one value beyond ±1e9 units
  SELECT * FROM (
    SELECT rn, user_id, event, event_id, ts_us(s, kind) AS t,
           CASE WHEN value <> '' THEN value_from(value, dp) END AS v,
           coalesce(value <> '', false) AS has_value
    FROM k)
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
