-- Holdout aggregates query (holdout-aggregates/1) for experiment winback-2026, dialect duckdb.
-- Experiment file digest fnv1a64:afa69bda9c18c14f; as_of 2026-11-16T00:00:00Z.
-- Save the result of the last statement as CSV with a header and run: holdout report EXPERIMENT --aggregates FILE
WITH
h_cohort_all AS (
  SELECT r.*, CASE WHEN valid = 1 THEN ROW_NUMBER() OVER (PARTITION BY valid, user_id ORDER BY t0, arm_name, seg_0) ELSE 0 END AS copy, FIRST_VALUE(arm_name) OVER (PARTITION BY valid, user_id ORDER BY t0, arm_name, seg_0) AS first_arm
  FROM (
    SELECT r.*, CASE WHEN user_id IS NOT NULL AND user_id <> '' AND t0 IS NOT NULL AND arm_name IN ('holdout', 'sms', 'sms_email', 'excluded') THEN 1 ELSE 0 END AS valid
    FROM (
      SELECT CAST("user_id" AS VARCHAR) AS user_id, epoch_us("entered_at") AS t0,
        CAST("arm" AS VARCHAR) AS arm_name,
        COALESCE(CAST("segment" AS VARCHAR), '') AS seg_0
      FROM "cohort"
    ) r
  ) r
),
h_cohort AS (
  SELECT user_id, t0, CASE arm_name WHEN 'holdout' THEN 0 WHEN 'sms' THEN 1 WHEN 'sms_email' THEN 2 END AS arm, seg_0,
    CASE WHEN t0 >= 1794787200000000 THEN 'entered_after_as_of' WHEN arm_name = 'excluded' THEN 'outside_coverage' ELSE 'used' END AS fate,
    CASE WHEN t0 >= 1794787200000000 OR arm_name = 'excluded' THEN 0 ELSE 1 END AS analysed
  FROM h_cohort_all WHERE valid = 1 AND copy = 1
),
h_deduped AS (
  SELECT v.*,
      CASE WHEN reject <> 0 OR key_a IS NULL OR key_a = '' THEN 1 ELSE ROW_NUMBER() OVER (PARTITION BY reject, key_a, key_b, CASE WHEN key_a IS NULL OR key_a = '' THEN user_id END ORDER BY ts, user_id, event, value NULLS FIRST, channel NULLS FIRST) END AS copy,
      CASE WHEN reject <> 0 OR key_a IS NULL OR key_a = '' THEN 0
        WHEN user_id <> FIRST_VALUE(user_id) OVER (PARTITION BY reject, key_a, key_b, CASE WHEN key_a IS NULL OR key_a = '' THEN user_id END ORDER BY ts, user_id, event, value NULLS FIRST, channel NULLS FIRST) OR event <> FIRST_VALUE(event) OVER (PARTITION BY reject, key_a, key_b, CASE WHEN key_a IS NULL OR key_a = '' THEN user_id END ORDER BY ts, user_id, event, value NULLS FIRST, channel NULLS FIRST)
          OR ts <> FIRST_VALUE(ts) OVER (PARTITION BY reject, key_a, key_b, CASE WHEN key_a IS NULL OR key_a = '' THEN user_id END ORDER BY ts, user_id, event, value NULLS FIRST, channel NULLS FIRST)
          OR COALESCE(value, -1) <> COALESCE(FIRST_VALUE(value) OVER (PARTITION BY reject, key_a, key_b, CASE WHEN key_a IS NULL OR key_a = '' THEN user_id END ORDER BY ts, user_id, event, value NULLS FIRST, channel NULLS FIRST), -1) THEN 1 ELSE 0 END AS conflicting
    FROM (
      SELECT v.*, CASE WHEN user_id IS NULL OR user_id = '' THEN 1 WHEN event IS NULL OR event = '' THEN 2 WHEN ts IS NULL THEN 3 ELSE 0 END AS reject
      FROM (
        SELECT 0 AS role, CAST("user_id" AS VARCHAR) AS user_id, CAST("event" AS VARCHAR) AS event, CASE CAST("event" AS VARCHAR) WHEN 'sms_delivered' THEN 1 WHEN 'email_delivered' THEN 2 WHEN 'order' THEN 3 WHEN 'session' THEN 4 WHEN 'sms_unsubscribed' THEN 5 WHEN 'email_unsubscribed' THEN 6 ELSE 0 END AS code,
        epoch_us("timestamp") AS ts, CAST(NULL AS BIGINT) AS value,
        CASE WHEN CAST("channel" AS VARCHAR) IS NOT NULL AND CAST("channel" AS VARCHAR) <> '' AND CAST("channel" AS VARCHAR) <> 'customer' THEN CAST("channel" AS VARCHAR)
          WHEN STRPOS(CAST("event" AS VARCHAR), '_') = 0 THEN NULLIF(CAST("event" AS VARCHAR), '')
          WHEN STRPOS(CAST("event" AS VARCHAR), '_') > 1 THEN SUBSTR(CAST("event" AS VARCHAR), 1, STRPOS(CAST("event" AS VARCHAR), '_') - 1)
          ELSE CAST(NULL AS VARCHAR) END AS channel,
        CAST("message_id" AS VARCHAR) AS key_a, CAST("event" AS VARCHAR) AS key_b
      FROM "messages"
      ) v
    ) v
  UNION ALL
  SELECT v.*,
      CASE WHEN reject <> 0 OR key_a IS NULL OR key_a = '' THEN 1 ELSE ROW_NUMBER() OVER (PARTITION BY reject, key_a, key_b, CASE WHEN key_a IS NULL OR key_a = '' THEN user_id END ORDER BY ts, user_id, event, value NULLS FIRST, channel NULLS FIRST) END AS copy,
      CASE WHEN reject <> 0 OR key_a IS NULL OR key_a = '' THEN 0
        WHEN user_id <> FIRST_VALUE(user_id) OVER (PARTITION BY reject, key_a, key_b, CASE WHEN key_a IS NULL OR key_a = '' THEN user_id END ORDER BY ts, user_id, event, value NULLS FIRST, channel NULLS FIRST) OR event <> FIRST_VALUE(event) OVER (PARTITION BY reject, key_a, key_b, CASE WHEN key_a IS NULL OR key_a = '' THEN user_id END ORDER BY ts, user_id, event, value NULLS FIRST, channel NULLS FIRST)
          OR ts <> FIRST_VALUE(ts) OVER (PARTITION BY reject, key_a, key_b, CASE WHEN key_a IS NULL OR key_a = '' THEN user_id END ORDER BY ts, user_id, event, value NULLS FIRST, channel NULLS FIRST)
          OR COALESCE(value, -1) <> COALESCE(FIRST_VALUE(value) OVER (PARTITION BY reject, key_a, key_b, CASE WHEN key_a IS NULL OR key_a = '' THEN user_id END ORDER BY ts, user_id, event, value NULLS FIRST, channel NULLS FIRST), -1) THEN 1 ELSE 0 END AS conflicting
    FROM (
      SELECT v.*, CASE WHEN user_id IS NULL OR user_id = '' THEN 1 WHEN event IS NULL OR event = '' THEN 2 WHEN ts IS NULL THEN 3 ELSE 0 END AS reject
      FROM (
        SELECT 1 AS role, CAST("user_id" AS VARCHAR) AS user_id, CAST("event" AS VARCHAR) AS event,
        CASE CAST("event" AS VARCHAR) WHEN 'sms_delivered' THEN 1 WHEN 'email_delivered' THEN 2 WHEN 'order' THEN 3 WHEN 'session' THEN 4 WHEN 'sms_unsubscribed' THEN 5 WHEN 'email_unsubscribed' THEN 6 ELSE 0 END AS code,
        epoch_us("timestamp") AS ts, CAST(ROUND(CAST("value" AS DECIMAL(38,9)) * 1000000) AS BIGINT) AS value,
        CAST(NULL AS VARCHAR) AS channel, CAST("event_id" AS VARCHAR) AS key_a, CAST(NULL AS VARCHAR) AS key_b
      FROM "events"
      ) v
    ) v
),
h_activity AS (
  SELECT x.used_by AS user_id, x.role, x.fate, x.fb, COUNT(*) AS n,
    BIT_OR(x.w_0) AS w_0,
    SUM(CASE WHEN (x.w_0 & 4) <> 0 THEN COALESCE(x.value, 0) ELSE 0 END) AS post_1,
    SUM(CASE WHEN (x.w_0 & 8) <> 0 THEN COALESCE(x.value, 0) ELSE 0 END) AS pre_1,
    MIN(CASE WHEN (x.w_0 & 1024) <> 0 THEN x.ts END) AS first_exposure,
    SUM(CASE WHEN (x.w_0 & 1024) <> 0 THEN CASE x.channel WHEN 'email' THEN 1000 WHEN 'sms' THEN 7500 ELSE 0 END ELSE 0 END) AS spend,
    MIN(CASE WHEN (x.w_0 & 1024) <> 0 THEN LPAD(CAST(x.off AS VARCHAR), 19, '0') || CASE WHEN x.channel IS NULL THEN '1' ELSE '0' || x.channel END END) AS first_channel,
    MIN(CASE WHEN (x.w_0 & 2048) <> 0 THEN x.ts END) AS first_return
  FROM (
    SELECT f.*, CASE WHEN f.fate = 0 THEN f.member END AS used_by,
      CASE WHEN f.copy = 1 AND f.ts < 1794787200000000 AND f.member_analysed = 1 AND f.role = 0 AND f.code IN (1, 2) AND f.off < 0 THEN 1 ELSE 0 END
      + CASE WHEN f.copy = 1 AND f.ts < 1794787200000000 AND f.member_analysed = 1 AND f.role = 0 AND f.code IN (1, 2) AND f.off >= 0 THEN 2 ELSE 0 END
      + CASE WHEN f.fate = 0 AND f.value IS NULL AND ((f.w_0 & 4) <> 0 OR (f.w_0 & 8) <> 0) THEN 4 ELSE 0 END
      + CASE WHEN f.reject = 0 AND f.copy = 1 AND f.ts < 946684800000000 THEN 8 ELSE 0 END
      + CASE WHEN f.reject = 0 AND f.copy = 1 AND f.ts > 1794787200000000 + 2592000000000 THEN 16 ELSE 0 END
      + CASE WHEN f.copy > 1 AND f.conflicting = 1 THEN 32 ELSE 0 END AS fb
    FROM (
      SELECT j.*, CASE
          WHEN reject <> 0 THEN 10 + reject
          WHEN copy > 1 THEN 1
          WHEN ts >= 1794787200000000 THEN 2
          WHEN member IS NULL THEN 3
          WHEN member_analysed = 0 THEN 4
          WHEN NOT ((role = 0 AND code IN (1, 2)) OR code IN (3, 4, 5, 6)) THEN 5
          WHEN w_0 <> 0 THEN 0
          ELSE 6 END AS fate
      FROM (
        SELECT j.*,
          CASE WHEN code = 0 THEN 0 ELSE
            CASE WHEN code = 3 AND off >= 0 AND off < 1209600000000 THEN 1 ELSE 0 END
            + CASE WHEN code = 3 AND off < 0 AND off >= -1209600000000 THEN 2 ELSE 0 END
            + CASE WHEN code = 3 AND off >= 0 AND off < 2592000000000 THEN 4 ELSE 0 END
            + CASE WHEN code = 3 AND off < 0 AND off >= -2592000000000 THEN 8 ELSE 0 END
            + CASE WHEN code = 4 AND off >= 604800000000 AND off < 1209600000000 THEN 16 ELSE 0 END
            + CASE WHEN code = 4 AND off < 0 AND off >= -604800000000 THEN 32 ELSE 0 END
            + CASE WHEN code = 4 AND off >= 2592000000000 AND off < 3196800000000 THEN 64 ELSE 0 END
            + CASE WHEN code = 4 AND off < 0 AND off >= -604800000000 THEN 128 ELSE 0 END
            + CASE WHEN code IN (5, 6) AND off >= 0 AND off < 1209600000000 THEN 256 ELSE 0 END
            + CASE WHEN code IN (5, 6) AND off < 0 AND off >= -1209600000000 THEN 512 ELSE 0 END
            + CASE WHEN role = 0 AND code IN (1, 2) AND off >= 0 THEN 1024 ELSE 0 END
            + CASE WHEN code = 4 AND off >= 0 AND off < 2592000000000 THEN 2048 ELSE 0 END END AS w_0
        FROM (
          SELECT d.role, d.code, d.ts, d.value, d.channel, d.copy, d.conflicting, d.reject, c.user_id AS member,
            c.analysed AS member_analysed, d.ts - c.t0 AS off
          FROM h_deduped d LEFT JOIN h_cohort c ON c.user_id = d.user_id
        ) j
      ) j
    ) f
  ) x
  GROUP BY x.used_by, x.role, x.fate, x.fb
),
h_users AS (
  SELECT c.user_id, c.t0, c.arm, c.seg_0,
    CASE WHEN (COALESCE(a.w_0, 0) & 1) <> 0 THEN 1000000 ELSE 0 END AS post_0, CASE WHEN (COALESCE(a.w_0, 0) & 2) <> 0 THEN 1000000 ELSE 0 END AS pre_0, COALESCE(a.post_1, 0) AS post_1, COALESCE(a.pre_1, 0) AS pre_1, CASE WHEN (COALESCE(a.w_0, 0) & 16) <> 0 THEN 1000000 ELSE 0 END AS post_2, CASE WHEN (COALESCE(a.w_0, 0) & 32) <> 0 THEN 1000000 ELSE 0 END AS pre_2, CASE WHEN (COALESCE(a.w_0, 0) & 64) <> 0 THEN 1000000 ELSE 0 END AS post_3, CASE WHEN (COALESCE(a.w_0, 0) & 128) <> 0 THEN 1000000 ELSE 0 END AS pre_3, CASE WHEN (COALESCE(a.w_0, 0) & 256) <> 0 THEN 1000000 ELSE 0 END AS post_4, CASE WHEN (COALESCE(a.w_0, 0) & 512) <> 0 THEN 1000000 ELSE 0 END AS pre_4,
    a.first_exposure, COALESCE(a.spend, 0) AS spend, a.first_return,
    CASE WHEN SUBSTR(a.first_channel, 20, 1) = '0' THEN SUBSTR(a.first_channel, 21) END AS first_channel
  FROM h_cohort c LEFT JOIN (
    SELECT user_id, BIT_OR(w_0) AS w_0, SUM(post_1) AS post_1, SUM(pre_1) AS pre_1,
      MIN(first_exposure) AS first_exposure, SUM(spend) AS spend, MIN(first_return) AS first_return,
      MIN(first_channel) AS first_channel
    FROM h_activity WHERE user_id IS NOT NULL GROUP BY user_id
  ) a ON a.user_id = c.user_id
  WHERE c.fate = 'used'
),
h_measured AS (
  SELECT u.*,
    CASE WHEN u.t0 + 1209600000000 <= 1794787200000000 THEN 1 ELSE 0 END AS mature_0,
    u.post_0 AS x_0,
    u.pre_0 AS p_0,
    CASE WHEN u.t0 + 2592000000000 <= 1794787200000000 THEN 1 ELSE 0 END AS mature_1,
    CASE WHEN u.post_1 < 1000000000 THEN u.post_1 ELSE 1000000000 END AS x_1,
    CASE WHEN u.pre_1 < 1000000000 THEN u.pre_1 ELSE 1000000000 END AS p_1,
    CASE WHEN u.t0 + 1209600000000 <= 1794787200000000 THEN 1 ELSE 0 END AS mature_2,
    u.post_2 AS x_2,
    u.pre_2 AS p_2,
    CASE WHEN u.t0 + 3196800000000 <= 1794787200000000 THEN 1 ELSE 0 END AS mature_3,
    u.post_3 AS x_3,
    u.pre_3 AS p_3,
    CASE WHEN u.t0 + 1209600000000 <= 1794787200000000 THEN 1 ELSE 0 END AS mature_4,
    u.post_4 AS x_4,
    u.pre_4 AS p_4
  FROM h_users u
),
h_week_start AS (
  SELECT MIN(t0) - MOD(MIN(t0), 86400000000) AS start FROM h_users
),
h_cutoffs AS (
  SELECT s.start + (a.d * 100 + b.d * 10 + c.d + 1) * 604800000000 AS cutoff
  FROM h_week_start s
    CROSS JOIN (SELECT 0 AS d UNION ALL SELECT 1 AS d UNION ALL SELECT 2 AS d UNION ALL SELECT 3 AS d UNION ALL SELECT 4 AS d UNION ALL SELECT 5 AS d UNION ALL SELECT 6 AS d UNION ALL SELECT 7 AS d UNION ALL SELECT 8 AS d UNION ALL SELECT 9 AS d) a CROSS JOIN (SELECT 0 AS d UNION ALL SELECT 1 AS d UNION ALL SELECT 2 AS d UNION ALL SELECT 3 AS d UNION ALL SELECT 4 AS d UNION ALL SELECT 5 AS d UNION ALL SELECT 6 AS d UNION ALL SELECT 7 AS d UNION ALL SELECT 8 AS d UNION ALL SELECT 9 AS d) b CROSS JOIN (SELECT 0 AS d UNION ALL SELECT 1 AS d UNION ALL SELECT 2 AS d UNION ALL SELECT 3 AS d UNION ALL SELECT 4 AS d UNION ALL SELECT 5 AS d UNION ALL SELECT 6 AS d UNION ALL SELECT 7 AS d UNION ALL SELECT 8 AS d UNION ALL SELECT 9 AS d) c
  WHERE s.start + (a.d * 100 + b.d * 10 + c.d + 1) * 604800000000 < 1794787200000000
),
h_week_users AS (
  SELECT w.cutoff AS cutoff, g.arm AS arm, SUM(g.n) AS n
  FROM h_cutoffs w JOIN (
    SELECT t.arm, t.at, COUNT(*) AS n
    FROM (SELECT u.arm AS arm, s.start + (u.t0 - s.start) - MOD((u.t0 - s.start), 604800000000) + 604800000000 AS at FROM h_users u CROSS JOIN h_week_start s) t
    GROUP BY t.arm, t.at
  ) g ON g.at <= w.cutoff
  GROUP BY w.cutoff, g.arm
),
h_week_sum_0 AS (
  SELECT w.cutoff AS cutoff, g.arm AS arm, SUM(g.n) AS n, SUM(g.ps) AS ps, SUM(g.pss) AS pss, SUM(g.s) AS s, SUM(g.sp) AS sp, SUM(g.ss) AS ss
  FROM h_cutoffs w JOIN (
    SELECT t.arm, t.at, COUNT(*) AS n, SUM(CAST(p AS HUGEINT)) AS ps, SUM(CAST(p AS HUGEINT) * CAST(p AS HUGEINT)) AS pss, SUM(CAST(x AS HUGEINT)) AS s, SUM(CAST(x AS HUGEINT) * CAST(p AS HUGEINT)) AS sp, SUM(CAST(x AS HUGEINT) * CAST(x AS HUGEINT)) AS ss
    FROM (SELECT u.arm AS arm, s.start + (u.t0 + 1209600000000 - s.start) + MOD(604800000000 - MOD((u.t0 + 1209600000000 - s.start), 604800000000), 604800000000) AS at, u.post_0 AS x, u.pre_0 AS p FROM h_users u CROSS JOIN h_week_start s) t
    GROUP BY t.arm, t.at
  ) g ON g.at <= w.cutoff
  GROUP BY w.cutoff, g.arm
),
h_week_sum_1 AS (
  SELECT w.cutoff AS cutoff, g.arm AS arm, SUM(g.n) AS n, SUM(g.ps) AS ps, SUM(g.pss) AS pss, SUM(g.s) AS s, SUM(g.sp) AS sp, SUM(g.ss) AS ss
  FROM h_cutoffs w JOIN (
    SELECT t.arm, t.at, COUNT(*) AS n, SUM(CAST(p AS HUGEINT)) AS ps, SUM(CAST(p AS HUGEINT) * CAST(p AS HUGEINT)) AS pss, SUM(CAST(x AS HUGEINT)) AS s, SUM(CAST(x AS HUGEINT) * CAST(p AS HUGEINT)) AS sp, SUM(CAST(x AS HUGEINT) * CAST(x AS HUGEINT)) AS ss
    FROM (SELECT u.arm AS arm, s.start + (u.t0 + 2592000000000 - s.start) + MOD(604800000000 - MOD((u.t0 + 2592000000000 - s.start), 604800000000), 604800000000) AS at, CASE WHEN u.post_1 < 1000000000 THEN u.post_1 ELSE 1000000000 END AS x, CASE WHEN u.pre_1 < 1000000000 THEN u.pre_1 ELSE 1000000000 END AS p FROM h_users u CROSS JOIN h_week_start s) t
    GROUP BY t.arm, t.at
  ) g ON g.at <= w.cutoff
  GROUP BY w.cutoff, g.arm
),
h_week_sum_2 AS (
  SELECT w.cutoff AS cutoff, g.arm AS arm, SUM(g.n) AS n, SUM(g.ps) AS ps, SUM(g.pss) AS pss, SUM(g.s) AS s, SUM(g.sp) AS sp, SUM(g.ss) AS ss
  FROM h_cutoffs w JOIN (
    SELECT t.arm, t.at, COUNT(*) AS n, SUM(CAST(p AS HUGEINT)) AS ps, SUM(CAST(p AS HUGEINT) * CAST(p AS HUGEINT)) AS pss, SUM(CAST(x AS HUGEINT)) AS s, SUM(CAST(x AS HUGEINT) * CAST(p AS HUGEINT)) AS sp, SUM(CAST(x AS HUGEINT) * CAST(x AS HUGEINT)) AS ss
    FROM (SELECT u.arm AS arm, s.start + (u.t0 + 1209600000000 - s.start) + MOD(604800000000 - MOD((u.t0 + 1209600000000 - s.start), 604800000000), 604800000000) AS at, u.post_2 AS x, u.pre_2 AS p FROM h_users u CROSS JOIN h_week_start s) t
    GROUP BY t.arm, t.at
  ) g ON g.at <= w.cutoff
  GROUP BY w.cutoff, g.arm
),
h_week_sum_3 AS (
  SELECT w.cutoff AS cutoff, g.arm AS arm, SUM(g.n) AS n, SUM(g.ps) AS ps, SUM(g.pss) AS pss, SUM(g.s) AS s, SUM(g.sp) AS sp, SUM(g.ss) AS ss
  FROM h_cutoffs w JOIN (
    SELECT t.arm, t.at, COUNT(*) AS n, SUM(CAST(p AS HUGEINT)) AS ps, SUM(CAST(p AS HUGEINT) * CAST(p AS HUGEINT)) AS pss, SUM(CAST(x AS HUGEINT)) AS s, SUM(CAST(x AS HUGEINT) * CAST(p AS HUGEINT)) AS sp, SUM(CAST(x AS HUGEINT) * CAST(x AS HUGEINT)) AS ss
    FROM (SELECT u.arm AS arm, s.start + (u.t0 + 3196800000000 - s.start) + MOD(604800000000 - MOD((u.t0 + 3196800000000 - s.start), 604800000000), 604800000000) AS at, u.post_3 AS x, u.pre_3 AS p FROM h_users u CROSS JOIN h_week_start s) t
    GROUP BY t.arm, t.at
  ) g ON g.at <= w.cutoff
  GROUP BY w.cutoff, g.arm
),
h_week_sum_4 AS (
  SELECT w.cutoff AS cutoff, g.arm AS arm, SUM(g.n) AS n, SUM(g.ps) AS ps, SUM(g.pss) AS pss, SUM(g.s) AS s, SUM(g.sp) AS sp, SUM(g.ss) AS ss
  FROM h_cutoffs w JOIN (
    SELECT t.arm, t.at, COUNT(*) AS n, SUM(CAST(p AS HUGEINT)) AS ps, SUM(CAST(p AS HUGEINT) * CAST(p AS HUGEINT)) AS pss, SUM(CAST(x AS HUGEINT)) AS s, SUM(CAST(x AS HUGEINT) * CAST(p AS HUGEINT)) AS sp, SUM(CAST(x AS HUGEINT) * CAST(x AS HUGEINT)) AS ss
    FROM (SELECT u.arm AS arm, s.start + (u.t0 + 1209600000000 - s.start) + MOD(604800000000 - MOD((u.t0 + 1209600000000 - s.start), 604800000000), 604800000000) AS at, u.post_4 AS x, u.pre_4 AS p FROM h_users u CROSS JOIN h_week_start s) t
    GROUP BY t.arm, t.at
  ) g ON g.at <= w.cutoff
  GROUP BY w.cutoff, g.arm
)
SELECT 'meta' AS section, '' AS arm, 'version' AS metric, '' AS segment, 'holdout-aggregates/1' AS value, '' AS n, '' AS sum, '' AS sum_squares, '' AS pre_sum, '' AS pre_sum_squares, '' AS sum_products, '' AS exposed_n, '' AS exposed_sum, '' AS exposed_sum_squares, '' AS exposed_pre_sum, '' AS exposed_pre_sum_squares, '' AS exposed_sum_products, '' AS open, '' AS spend, '' AS first_entry, '' AS last_entry
UNION ALL
SELECT 'meta' AS section, '' AS arm, 'experiment' AS metric, '' AS segment, 'winback-2026' AS value, '' AS n, '' AS sum, '' AS sum_squares, '' AS pre_sum, '' AS pre_sum_squares, '' AS sum_products, '' AS exposed_n, '' AS exposed_sum, '' AS exposed_sum_squares, '' AS exposed_pre_sum, '' AS exposed_pre_sum_squares, '' AS exposed_sum_products, '' AS open, '' AS spend, '' AS first_entry, '' AS last_entry
UNION ALL
SELECT 'meta' AS section, '' AS arm, 'digest' AS metric, '' AS segment, 'fnv1a64:afa69bda9c18c14f' AS value, '' AS n, '' AS sum, '' AS sum_squares, '' AS pre_sum, '' AS pre_sum_squares, '' AS sum_products, '' AS exposed_n, '' AS exposed_sum, '' AS exposed_sum_squares, '' AS exposed_pre_sum, '' AS exposed_pre_sum_squares, '' AS exposed_sum_products, '' AS open, '' AS spend, '' AS first_entry, '' AS last_entry
UNION ALL
SELECT 'meta' AS section, '' AS arm, 'dialect' AS metric, '' AS segment, 'duckdb' AS value, '' AS n, '' AS sum, '' AS sum_squares, '' AS pre_sum, '' AS pre_sum_squares, '' AS sum_products, '' AS exposed_n, '' AS exposed_sum, '' AS exposed_sum_squares, '' AS exposed_pre_sum, '' AS exposed_pre_sum_squares, '' AS exposed_sum_products, '' AS open, '' AS spend, '' AS first_entry, '' AS last_entry
UNION ALL
SELECT 'meta' AS section, '' AS arm, 'as_of' AS metric, '' AS segment, '1794787200000000' AS value, '' AS n, '' AS sum, '' AS sum_squares, '' AS pre_sum, '' AS pre_sum_squares, '' AS sum_products, '' AS exposed_n, '' AS exposed_sum, '' AS exposed_sum_squares, '' AS exposed_pre_sum, '' AS exposed_pre_sum_squares, '' AS exposed_sum_products, '' AS open, '' AS spend, '' AS first_entry, '' AS last_entry
UNION ALL
SELECT 'users' AS section, CASE a.arm WHEN 0 THEN 'holdout' WHEN 1 THEN 'sms' WHEN 2 THEN 'sms_email' END AS arm, '' AS metric, '' AS segment, '' AS value, CAST(COUNT(u.user_id) AS VARCHAR) AS n, '' AS sum, '' AS sum_squares, '' AS pre_sum, '' AS pre_sum_squares, '' AS sum_products, CAST(COUNT(u.first_exposure) AS VARCHAR) AS exposed_n, '' AS exposed_sum, '' AS exposed_sum_squares, '' AS exposed_pre_sum, '' AS exposed_pre_sum_squares, '' AS exposed_sum_products, '' AS open, '' AS spend, CAST(MIN(u.t0) AS VARCHAR) AS first_entry, CAST(MAX(u.t0) AS VARCHAR) AS last_entry
FROM (SELECT 0 AS arm UNION ALL SELECT 1 AS arm UNION ALL SELECT 2 AS arm) a LEFT JOIN h_users u ON u.arm = a.arm GROUP BY a.arm
UNION ALL
SELECT 'metric' AS section, CASE a.arm WHEN 0 THEN 'holdout' WHEN 1 THEN 'sms' WHEN 2 THEN 'sms_email' END AS arm, CASE m.k WHEN 0 THEN 'conversion_14d' WHEN 1 THEN 'revenue_30d' WHEN 2 THEN 'retained_d7' WHEN 3 THEN 'retained_d30' WHEN 4 THEN 'unsubscribed_14d' END AS metric, '' AS segment, '' AS value, CAST(COALESCE(s.n, 0) AS VARCHAR) AS n, CAST(COALESCE(s.sum, 0) AS VARCHAR) AS sum, CAST(COALESCE(s.sum_squares, 0) AS VARCHAR) AS sum_squares, CAST(COALESCE(s.pre_sum, 0) AS VARCHAR) AS pre_sum, CAST(COALESCE(s.pre_sum_squares, 0) AS VARCHAR) AS pre_sum_squares, CAST(COALESCE(s.sum_products, 0) AS VARCHAR) AS sum_products, CAST(COALESCE(s.exposed_n, 0) AS VARCHAR) AS exposed_n, CAST(COALESCE(s.exposed_sum, 0) AS VARCHAR) AS exposed_sum, CAST(COALESCE(s.exposed_sum_squares, 0) AS VARCHAR) AS exposed_sum_squares, CAST(COALESCE(s.exposed_pre_sum, 0) AS VARCHAR) AS exposed_pre_sum, CAST(COALESCE(s.exposed_pre_sum_squares, 0) AS VARCHAR) AS exposed_pre_sum_squares, CAST(COALESCE(s.exposed_sum_products, 0) AS VARCHAR) AS exposed_sum_products, CAST(COALESCE(s.open, 0) AS VARCHAR) AS open, CAST(COALESCE(s.spend, 0) AS VARCHAR) AS spend, '' AS first_entry, '' AS last_entry
FROM (SELECT 0 AS arm UNION ALL SELECT 1 AS arm UNION ALL SELECT 2 AS arm) a CROSS JOIN (SELECT 0 AS k UNION ALL SELECT 1 AS k UNION ALL SELECT 2 AS k UNION ALL SELECT 3 AS k UNION ALL SELECT 4 AS k) m LEFT JOIN (
SELECT t.arm, 0 AS k, COALESCE(SUM(CASE WHEN t.mature = 1 AND t.first_exposure IS NOT NULL THEN 1 ELSE 0 END), 0) AS exposed_n, COALESCE(SUM(CASE WHEN t.mature = 1 AND t.first_exposure IS NOT NULL THEN CAST(t.p AS HUGEINT) END), 0) AS exposed_pre_sum, COALESCE(SUM(CASE WHEN t.mature = 1 AND t.first_exposure IS NOT NULL THEN CAST(t.p AS HUGEINT) * CAST(t.p AS HUGEINT) END), 0) AS exposed_pre_sum_squares, COALESCE(SUM(CASE WHEN t.mature = 1 AND t.first_exposure IS NOT NULL THEN CAST(t.x AS HUGEINT) END), 0) AS exposed_sum, COALESCE(SUM(CASE WHEN t.mature = 1 AND t.first_exposure IS NOT NULL THEN CAST(t.x AS HUGEINT) * CAST(t.p AS HUGEINT) END), 0) AS exposed_sum_products, COALESCE(SUM(CASE WHEN t.mature = 1 AND t.first_exposure IS NOT NULL THEN CAST(t.x AS HUGEINT) * CAST(t.x AS HUGEINT) END), 0) AS exposed_sum_squares, COALESCE(SUM(CASE WHEN t.mature = 1 THEN 1 ELSE 0 END), 0) AS n, COALESCE(SUM(CASE WHEN t.mature = 0 THEN 1 ELSE 0 END), 0) AS open, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.p AS HUGEINT) END), 0) AS pre_sum, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.p AS HUGEINT) * CAST(t.p AS HUGEINT) END), 0) AS pre_sum_squares, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.spend AS HUGEINT) END), 0) AS spend, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.x AS HUGEINT) END), 0) AS sum, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.x AS HUGEINT) * CAST(t.p AS HUGEINT) END), 0) AS sum_products, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.x AS HUGEINT) * CAST(t.x AS HUGEINT) END), 0) AS sum_squares FROM (SELECT u.arm, u.mature_0 AS mature, u.x_0 AS x, u.p_0 AS p, u.first_exposure, u.spend FROM h_measured u) t GROUP BY t.arm
UNION ALL
SELECT t.arm, 1 AS k, COALESCE(SUM(CASE WHEN t.mature = 1 AND t.first_exposure IS NOT NULL THEN 1 ELSE 0 END), 0) AS exposed_n, COALESCE(SUM(CASE WHEN t.mature = 1 AND t.first_exposure IS NOT NULL THEN CAST(t.p AS HUGEINT) END), 0) AS exposed_pre_sum, COALESCE(SUM(CASE WHEN t.mature = 1 AND t.first_exposure IS NOT NULL THEN CAST(t.p AS HUGEINT) * CAST(t.p AS HUGEINT) END), 0) AS exposed_pre_sum_squares, COALESCE(SUM(CASE WHEN t.mature = 1 AND t.first_exposure IS NOT NULL THEN CAST(t.x AS HUGEINT) END), 0) AS exposed_sum, COALESCE(SUM(CASE WHEN t.mature = 1 AND t.first_exposure IS NOT NULL THEN CAST(t.x AS HUGEINT) * CAST(t.p AS HUGEINT) END), 0) AS exposed_sum_products, COALESCE(SUM(CASE WHEN t.mature = 1 AND t.first_exposure IS NOT NULL THEN CAST(t.x AS HUGEINT) * CAST(t.x AS HUGEINT) END), 0) AS exposed_sum_squares, COALESCE(SUM(CASE WHEN t.mature = 1 THEN 1 ELSE 0 END), 0) AS n, COALESCE(SUM(CASE WHEN t.mature = 0 THEN 1 ELSE 0 END), 0) AS open, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.p AS HUGEINT) END), 0) AS pre_sum, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.p AS HUGEINT) * CAST(t.p AS HUGEINT) END), 0) AS pre_sum_squares, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.spend AS HUGEINT) END), 0) AS spend, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.x AS HUGEINT) END), 0) AS sum, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.x AS HUGEINT) * CAST(t.p AS HUGEINT) END), 0) AS sum_products, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.x AS HUGEINT) * CAST(t.x AS HUGEINT) END), 0) AS sum_squares FROM (SELECT u.arm, u.mature_1 AS mature, u.x_1 AS x, u.p_1 AS p, u.first_exposure, u.spend FROM h_measured u) t GROUP BY t.arm
UNION ALL
SELECT t.arm, 2 AS k, COALESCE(SUM(CASE WHEN t.mature = 1 AND t.first_exposure IS NOT NULL THEN 1 ELSE 0 END), 0) AS exposed_n, COALESCE(SUM(CASE WHEN t.mature = 1 AND t.first_exposure IS NOT NULL THEN CAST(t.p AS HUGEINT) END), 0) AS exposed_pre_sum, COALESCE(SUM(CASE WHEN t.mature = 1 AND t.first_exposure IS NOT NULL THEN CAST(t.p AS HUGEINT) * CAST(t.p AS HUGEINT) END), 0) AS exposed_pre_sum_squares, COALESCE(SUM(CASE WHEN t.mature = 1 AND t.first_exposure IS NOT NULL THEN CAST(t.x AS HUGEINT) END), 0) AS exposed_sum, COALESCE(SUM(CASE WHEN t.mature = 1 AND t.first_exposure IS NOT NULL THEN CAST(t.x AS HUGEINT) * CAST(t.p AS HUGEINT) END), 0) AS exposed_sum_products, COALESCE(SUM(CASE WHEN t.mature = 1 AND t.first_exposure IS NOT NULL THEN CAST(t.x AS HUGEINT) * CAST(t.x AS HUGEINT) END), 0) AS exposed_sum_squares, COALESCE(SUM(CASE WHEN t.mature = 1 THEN 1 ELSE 0 END), 0) AS n, COALESCE(SUM(CASE WHEN t.mature = 0 THEN 1 ELSE 0 END), 0) AS open, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.p AS HUGEINT) END), 0) AS pre_sum, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.p AS HUGEINT) * CAST(t.p AS HUGEINT) END), 0) AS pre_sum_squares, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.spend AS HUGEINT) END), 0) AS spend, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.x AS HUGEINT) END), 0) AS sum, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.x AS HUGEINT) * CAST(t.p AS HUGEINT) END), 0) AS sum_products, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.x AS HUGEINT) * CAST(t.x AS HUGEINT) END), 0) AS sum_squares FROM (SELECT u.arm, u.mature_2 AS mature, u.x_2 AS x, u.p_2 AS p, u.first_exposure, u.spend FROM h_measured u) t GROUP BY t.arm
UNION ALL
SELECT t.arm, 3 AS k, COALESCE(SUM(CASE WHEN t.mature = 1 AND t.first_exposure IS NOT NULL THEN 1 ELSE 0 END), 0) AS exposed_n, COALESCE(SUM(CASE WHEN t.mature = 1 AND t.first_exposure IS NOT NULL THEN CAST(t.p AS HUGEINT) END), 0) AS exposed_pre_sum, COALESCE(SUM(CASE WHEN t.mature = 1 AND t.first_exposure IS NOT NULL THEN CAST(t.p AS HUGEINT) * CAST(t.p AS HUGEINT) END), 0) AS exposed_pre_sum_squares, COALESCE(SUM(CASE WHEN t.mature = 1 AND t.first_exposure IS NOT NULL THEN CAST(t.x AS HUGEINT) END), 0) AS exposed_sum, COALESCE(SUM(CASE WHEN t.mature = 1 AND t.first_exposure IS NOT NULL THEN CAST(t.x AS HUGEINT) * CAST(t.p AS HUGEINT) END), 0) AS exposed_sum_products, COALESCE(SUM(CASE WHEN t.mature = 1 AND t.first_exposure IS NOT NULL THEN CAST(t.x AS HUGEINT) * CAST(t.x AS HUGEINT) END), 0) AS exposed_sum_squares, COALESCE(SUM(CASE WHEN t.mature = 1 THEN 1 ELSE 0 END), 0) AS n, COALESCE(SUM(CASE WHEN t.mature = 0 THEN 1 ELSE 0 END), 0) AS open, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.p AS HUGEINT) END), 0) AS pre_sum, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.p AS HUGEINT) * CAST(t.p AS HUGEINT) END), 0) AS pre_sum_squares, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.spend AS HUGEINT) END), 0) AS spend, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.x AS HUGEINT) END), 0) AS sum, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.x AS HUGEINT) * CAST(t.p AS HUGEINT) END), 0) AS sum_products, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.x AS HUGEINT) * CAST(t.x AS HUGEINT) END), 0) AS sum_squares FROM (SELECT u.arm, u.mature_3 AS mature, u.x_3 AS x, u.p_3 AS p, u.first_exposure, u.spend FROM h_measured u) t GROUP BY t.arm
UNION ALL
SELECT t.arm, 4 AS k, COALESCE(SUM(CASE WHEN t.mature = 1 AND t.first_exposure IS NOT NULL THEN 1 ELSE 0 END), 0) AS exposed_n, COALESCE(SUM(CASE WHEN t.mature = 1 AND t.first_exposure IS NOT NULL THEN CAST(t.p AS HUGEINT) END), 0) AS exposed_pre_sum, COALESCE(SUM(CASE WHEN t.mature = 1 AND t.first_exposure IS NOT NULL THEN CAST(t.p AS HUGEINT) * CAST(t.p AS HUGEINT) END), 0) AS exposed_pre_sum_squares, COALESCE(SUM(CASE WHEN t.mature = 1 AND t.first_exposure IS NOT NULL THEN CAST(t.x AS HUGEINT) END), 0) AS exposed_sum, COALESCE(SUM(CASE WHEN t.mature = 1 AND t.first_exposure IS NOT NULL THEN CAST(t.x AS HUGEINT) * CAST(t.p AS HUGEINT) END), 0) AS exposed_sum_products, COALESCE(SUM(CASE WHEN t.mature = 1 AND t.first_exposure IS NOT NULL THEN CAST(t.x AS HUGEINT) * CAST(t.x AS HUGEINT) END), 0) AS exposed_sum_squares, COALESCE(SUM(CASE WHEN t.mature = 1 THEN 1 ELSE 0 END), 0) AS n, COALESCE(SUM(CASE WHEN t.mature = 0 THEN 1 ELSE 0 END), 0) AS open, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.p AS HUGEINT) END), 0) AS pre_sum, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.p AS HUGEINT) * CAST(t.p AS HUGEINT) END), 0) AS pre_sum_squares, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.spend AS HUGEINT) END), 0) AS spend, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.x AS HUGEINT) END), 0) AS sum, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.x AS HUGEINT) * CAST(t.p AS HUGEINT) END), 0) AS sum_products, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.x AS HUGEINT) * CAST(t.x AS HUGEINT) END), 0) AS sum_squares FROM (SELECT u.arm, u.mature_4 AS mature, u.x_4 AS x, u.p_4 AS p, u.first_exposure, u.spend FROM h_measured u) t GROUP BY t.arm
) s ON s.arm = a.arm AND s.k = m.k
UNION ALL
SELECT 'cap' AS section, '' AS arm, 'revenue_30d' AS metric, '' AS segment, '1000000000' AS value, '' AS n, '' AS sum, '' AS sum_squares, '' AS pre_sum, '' AS pre_sum_squares, '' AS sum_products, '' AS exposed_n, '' AS exposed_sum, '' AS exposed_sum_squares, '' AS exposed_pre_sum, '' AS exposed_pre_sum_squares, '' AS exposed_sum_products, '' AS open, '' AS spend, '' AS first_entry, '' AS last_entry
UNION ALL
SELECT 'segment_value' AS section, '' AS arm, '' AS metric, 'segment' AS segment, seg_0 AS value, '' AS n, '' AS sum, '' AS sum_squares, '' AS pre_sum, '' AS pre_sum_squares, '' AS sum_products, '' AS exposed_n, '' AS exposed_sum, '' AS exposed_sum_squares, '' AS exposed_pre_sum, '' AS exposed_pre_sum_squares, '' AS exposed_sum_products, '' AS open, '' AS spend, '' AS first_entry, '' AS last_entry
FROM h_cohort GROUP BY seg_0
UNION ALL
SELECT 'segment_users' AS section, CASE arm WHEN 0 THEN 'holdout' WHEN 1 THEN 'sms' WHEN 2 THEN 'sms_email' END AS arm, '' AS metric, 'segment' AS segment, seg_0 AS value, CAST(COUNT(*) AS VARCHAR) AS n, '' AS sum, '' AS sum_squares, '' AS pre_sum, '' AS pre_sum_squares, '' AS sum_products, '' AS exposed_n, '' AS exposed_sum, '' AS exposed_sum_squares, '' AS exposed_pre_sum, '' AS exposed_pre_sum_squares, '' AS exposed_sum_products, '' AS open, '' AS spend, '' AS first_entry, '' AS last_entry
FROM h_users GROUP BY arm, seg_0
UNION ALL
SELECT 'segment_metric' AS section, CASE s.arm WHEN 0 THEN 'holdout' WHEN 1 THEN 'sms' WHEN 2 THEN 'sms_email' END AS arm, CASE s.k WHEN 0 THEN 'conversion_14d' WHEN 1 THEN 'revenue_30d' WHEN 2 THEN 'retained_d7' WHEN 3 THEN 'retained_d30' WHEN 4 THEN 'unsubscribed_14d' END AS metric, 'segment' AS segment, s.seg AS value, CAST(s.n AS VARCHAR) AS n, CAST(s.sum AS VARCHAR) AS sum, CAST(s.sum_squares AS VARCHAR) AS sum_squares, CAST(s.pre_sum AS VARCHAR) AS pre_sum, CAST(s.pre_sum_squares AS VARCHAR) AS pre_sum_squares, CAST(s.sum_products AS VARCHAR) AS sum_products, '' AS exposed_n, '' AS exposed_sum, '' AS exposed_sum_squares, '' AS exposed_pre_sum, '' AS exposed_pre_sum_squares, '' AS exposed_sum_products, '' AS open, '' AS spend, '' AS first_entry, '' AS last_entry
FROM (
SELECT t.arm, t.seg, 0 AS k, COALESCE(SUM(CASE WHEN t.mature = 1 THEN 1 ELSE 0 END), 0) AS n, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.p AS HUGEINT) END), 0) AS pre_sum, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.p AS HUGEINT) * CAST(t.p AS HUGEINT) END), 0) AS pre_sum_squares, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.x AS HUGEINT) END), 0) AS sum, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.x AS HUGEINT) * CAST(t.p AS HUGEINT) END), 0) AS sum_products, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.x AS HUGEINT) * CAST(t.x AS HUGEINT) END), 0) AS sum_squares FROM (SELECT u.arm, u.mature_0 AS mature, u.x_0 AS x, u.p_0 AS p, u.first_exposure, u.spend, u.seg_0 AS seg FROM h_measured u) t GROUP BY t.arm, t.seg
UNION ALL
SELECT t.arm, t.seg, 1 AS k, COALESCE(SUM(CASE WHEN t.mature = 1 THEN 1 ELSE 0 END), 0) AS n, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.p AS HUGEINT) END), 0) AS pre_sum, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.p AS HUGEINT) * CAST(t.p AS HUGEINT) END), 0) AS pre_sum_squares, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.x AS HUGEINT) END), 0) AS sum, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.x AS HUGEINT) * CAST(t.p AS HUGEINT) END), 0) AS sum_products, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.x AS HUGEINT) * CAST(t.x AS HUGEINT) END), 0) AS sum_squares FROM (SELECT u.arm, u.mature_1 AS mature, u.x_1 AS x, u.p_1 AS p, u.first_exposure, u.spend, u.seg_0 AS seg FROM h_measured u) t GROUP BY t.arm, t.seg
UNION ALL
SELECT t.arm, t.seg, 2 AS k, COALESCE(SUM(CASE WHEN t.mature = 1 THEN 1 ELSE 0 END), 0) AS n, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.p AS HUGEINT) END), 0) AS pre_sum, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.p AS HUGEINT) * CAST(t.p AS HUGEINT) END), 0) AS pre_sum_squares, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.x AS HUGEINT) END), 0) AS sum, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.x AS HUGEINT) * CAST(t.p AS HUGEINT) END), 0) AS sum_products, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.x AS HUGEINT) * CAST(t.x AS HUGEINT) END), 0) AS sum_squares FROM (SELECT u.arm, u.mature_2 AS mature, u.x_2 AS x, u.p_2 AS p, u.first_exposure, u.spend, u.seg_0 AS seg FROM h_measured u) t GROUP BY t.arm, t.seg
UNION ALL
SELECT t.arm, t.seg, 3 AS k, COALESCE(SUM(CASE WHEN t.mature = 1 THEN 1 ELSE 0 END), 0) AS n, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.p AS HUGEINT) END), 0) AS pre_sum, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.p AS HUGEINT) * CAST(t.p AS HUGEINT) END), 0) AS pre_sum_squares, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.x AS HUGEINT) END), 0) AS sum, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.x AS HUGEINT) * CAST(t.p AS HUGEINT) END), 0) AS sum_products, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.x AS HUGEINT) * CAST(t.x AS HUGEINT) END), 0) AS sum_squares FROM (SELECT u.arm, u.mature_3 AS mature, u.x_3 AS x, u.p_3 AS p, u.first_exposure, u.spend, u.seg_0 AS seg FROM h_measured u) t GROUP BY t.arm, t.seg
UNION ALL
SELECT t.arm, t.seg, 4 AS k, COALESCE(SUM(CASE WHEN t.mature = 1 THEN 1 ELSE 0 END), 0) AS n, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.p AS HUGEINT) END), 0) AS pre_sum, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.p AS HUGEINT) * CAST(t.p AS HUGEINT) END), 0) AS pre_sum_squares, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.x AS HUGEINT) END), 0) AS sum, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.x AS HUGEINT) * CAST(t.p AS HUGEINT) END), 0) AS sum_products, COALESCE(SUM(CASE WHEN t.mature = 1 THEN CAST(t.x AS HUGEINT) * CAST(t.x AS HUGEINT) END), 0) AS sum_squares FROM (SELECT u.arm, u.mature_4 AS mature, u.x_4 AS x, u.p_4 AS p, u.first_exposure, u.spend, u.seg_0 AS seg FROM h_measured u) t GROUP BY t.arm, t.seg
) s
UNION ALL
SELECT 'channel' AS section, CASE arm WHEN 0 THEN 'holdout' WHEN 1 THEN 'sms' WHEN 2 THEN 'sms_email' END AS arm, '' AS metric, '' AS segment, first_channel AS value, CAST(COUNT(*) AS VARCHAR) AS n, '' AS sum, '' AS sum_squares, '' AS pre_sum, '' AS pre_sum_squares, '' AS sum_products, '' AS exposed_n, '' AS exposed_sum, '' AS exposed_sum_squares, '' AS exposed_pre_sum, '' AS exposed_pre_sum_squares, '' AS exposed_sum_products, '' AS open, '' AS spend, '' AS first_entry, '' AS last_entry
FROM h_measured WHERE first_channel IS NOT NULL GROUP BY arm, first_channel
UNION ALL
SELECT 'survival' AS section, CASE s.arm WHEN 0 THEN 'holdout' WHEN 1 THEN 'sms' WHEN 2 THEN 'sms_email' END AS arm, CASE WHEN s.returned = 1 THEN 'event' ELSE 'censored' END AS metric, '' AS segment, CAST(s.days AS VARCHAR) AS value, CAST(COUNT(*) AS VARCHAR) AS n, '' AS sum, '' AS sum_squares, '' AS pre_sum, '' AS pre_sum_squares, '' AS sum_products, '' AS exposed_n, '' AS exposed_sum, '' AS exposed_sum_squares, '' AS exposed_pre_sum, '' AS exposed_pre_sum_squares, '' AS exposed_sum_products, '' AS open, '' AS spend, '' AS first_entry, '' AS last_entry
FROM (SELECT arm, CASE WHEN first_return IS NOT NULL AND first_return - t0 <= CASE WHEN 1794787200000000 - t0 < 2592000000000 THEN 1794787200000000 - t0 ELSE 2592000000000 END THEN 1 ELSE 0 END AS returned,
  CASE WHEN first_return IS NOT NULL AND first_return - t0 <= CASE WHEN 1794787200000000 - t0 < 2592000000000 THEN 1794787200000000 - t0 ELSE 2592000000000 END
    THEN CASE WHEN CASE WHEN first_return - t0 <= 0 THEN 0 ELSE first_return - t0 - 1 - MOD(first_return - t0 - 1, 300000000) + 300000000 END < 2592000000000 THEN CASE WHEN first_return - t0 <= 0 THEN 0 ELSE first_return - t0 - 1 - MOD(first_return - t0 - 1, 300000000) + 300000000 END ELSE 2592000000000 END
    ELSE CASE WHEN 1794787200000000 - t0 < 2592000000000 THEN 1794787200000000 - t0 ELSE 2592000000000 END - MOD(CASE WHEN 1794787200000000 - t0 < 2592000000000 THEN 1794787200000000 - t0 ELSE 2592000000000 END, 300000000) END AS days
FROM h_users) s GROUP BY s.arm, s.returned, s.days
UNION ALL
SELECT 'rows' AS section, '' AS arm, '' AS metric, 'cohort' AS segment, r.reason AS value, CAST(COUNT(*) AS VARCHAR) AS n, '' AS sum, '' AS sum_squares, '' AS pre_sum, '' AS pre_sum_squares, '' AS sum_products, '' AS exposed_n, '' AS exposed_sum, '' AS exposed_sum_squares, '' AS exposed_pre_sum, '' AS exposed_pre_sum_squares, '' AS exposed_sum_products, '' AS open, '' AS spend, '' AS first_entry, '' AS last_entry
FROM (SELECT CASE WHEN user_id IS NULL OR user_id = '' THEN 'empty_user_id' WHEN t0 IS NULL THEN 'bad_timestamp' ELSE 'unknown_arm' END AS reason FROM h_cohort_all WHERE valid = 0) r GROUP BY r.reason
UNION ALL
SELECT 'rows' AS section, '' AS arm, '' AS metric, 'cohort' AS segment, 'duplicate_user' AS value, CAST(COUNT(*) AS VARCHAR) AS n, '' AS sum, '' AS sum_squares, '' AS pre_sum, '' AS pre_sum_squares, '' AS sum_products, '' AS exposed_n, '' AS exposed_sum, '' AS exposed_sum_squares, '' AS exposed_pre_sum, '' AS exposed_pre_sum_squares, '' AS exposed_sum_products, '' AS open, '' AS spend, '' AS first_entry, '' AS last_entry
FROM h_cohort_all WHERE valid = 1 AND copy > 1
UNION ALL
SELECT 'rows' AS section, '' AS arm, '' AS metric, 'cohort' AS segment, fate AS value, CAST(COUNT(*) AS VARCHAR) AS n, '' AS sum, '' AS sum_squares, '' AS pre_sum, '' AS pre_sum_squares, '' AS sum_products, '' AS exposed_n, '' AS exposed_sum, '' AS exposed_sum_squares, '' AS exposed_pre_sum, '' AS exposed_pre_sum_squares, '' AS exposed_sum_products, '' AS open, '' AS spend, '' AS first_entry, '' AS last_entry
FROM h_cohort GROUP BY fate
UNION ALL
SELECT 'rows' AS section, '' AS arm, '' AS metric, CASE role WHEN 0 THEN 'messages' ELSE 'events' END AS segment, CASE fate WHEN 11 THEN 'empty_user_id' WHEN 12 THEN 'empty_event' WHEN 13 THEN 'missing_field' END AS value, CAST(SUM(n) AS VARCHAR) AS n, '' AS sum, '' AS sum_squares, '' AS pre_sum, '' AS pre_sum_squares, '' AS sum_products, '' AS exposed_n, '' AS exposed_sum, '' AS exposed_sum_squares, '' AS exposed_pre_sum, '' AS exposed_pre_sum_squares, '' AS exposed_sum_products, '' AS open, '' AS spend, '' AS first_entry, '' AS last_entry
FROM h_activity WHERE fate > 10 GROUP BY role, fate
UNION ALL
SELECT 'rows' AS section, '' AS arm, '' AS metric, CASE role WHEN 0 THEN 'messages' ELSE 'events' END AS segment, CASE fate WHEN 0 THEN 'used' WHEN 1 THEN 'duplicate' WHEN 2 THEN 'after_as_of' WHEN 3 THEN 'user_not_in_cohort' WHEN 4 THEN 'user_not_analysed' WHEN 5 THEN 'event_not_measured' WHEN 6 THEN 'outside_windows' END AS value, CAST(SUM(n) AS VARCHAR) AS n, '' AS sum, '' AS sum_squares, '' AS pre_sum, '' AS pre_sum_squares, '' AS sum_products, '' AS exposed_n, '' AS exposed_sum, '' AS exposed_sum_squares, '' AS exposed_pre_sum, '' AS exposed_pre_sum_squares, '' AS exposed_sum_products, '' AS open, '' AS spend, '' AS first_entry, '' AS last_entry
FROM h_activity WHERE fate < 10 GROUP BY role, fate
UNION ALL
SELECT 'finding' AS section, '' AS arm, '' AS metric, '' AS segment, 'users_in_several_arms' AS value, CAST(COALESCE(SUM(CASE WHEN valid = 1 AND copy > 1 AND arm_name <> first_arm THEN 1 ELSE 0 END), 0) AS VARCHAR) AS n, '' AS sum, '' AS sum_squares, '' AS pre_sum, '' AS pre_sum_squares, '' AS sum_products, '' AS exposed_n, '' AS exposed_sum, '' AS exposed_sum_squares, '' AS exposed_pre_sum, '' AS exposed_pre_sum_squares, '' AS exposed_sum_products, '' AS open, '' AS spend, '' AS first_entry, '' AS last_entry
FROM h_cohort_all
UNION ALL
SELECT 'finding' AS section, '' AS arm, '' AS metric, '' AS segment, 'entries_before_since' AS value, CAST(COALESCE(SUM(CASE WHEN 1 = 0 THEN 1 ELSE 0 END), 0) AS VARCHAR) AS n, '' AS sum, '' AS sum_squares, '' AS pre_sum, '' AS pre_sum_squares, '' AS sum_products, '' AS exposed_n, '' AS exposed_sum, '' AS exposed_sum_squares, '' AS exposed_pre_sum, '' AS exposed_pre_sum_squares, '' AS exposed_sum_products, '' AS open, '' AS spend, '' AS first_entry, '' AS last_entry
FROM h_cohort_all
UNION ALL
SELECT 'finding' AS section, '' AS arm, '' AS metric, '' AS segment, 'exposures_before_entry' AS value, CAST(COALESCE(SUM(CASE WHEN (fb & 1) <> 0 THEN n ELSE 0 END), 0) AS VARCHAR) AS n, '' AS sum, '' AS sum_squares, '' AS pre_sum, '' AS pre_sum_squares, '' AS sum_products, '' AS exposed_n, '' AS exposed_sum, '' AS exposed_sum_squares, '' AS exposed_pre_sum, '' AS exposed_pre_sum_squares, '' AS exposed_sum_products, '' AS open, '' AS spend, '' AS first_entry, '' AS last_entry
FROM h_activity
UNION ALL
SELECT 'finding' AS section, '' AS arm, '' AS metric, '' AS segment, 'exposures_after_entry' AS value, CAST(COALESCE(SUM(CASE WHEN (fb & 2) <> 0 THEN n ELSE 0 END), 0) AS VARCHAR) AS n, '' AS sum, '' AS sum_squares, '' AS pre_sum, '' AS pre_sum_squares, '' AS sum_products, '' AS exposed_n, '' AS exposed_sum, '' AS exposed_sum_squares, '' AS exposed_pre_sum, '' AS exposed_pre_sum_squares, '' AS exposed_sum_products, '' AS open, '' AS spend, '' AS first_entry, '' AS last_entry
FROM h_activity
UNION ALL
SELECT 'finding' AS section, '' AS arm, '' AS metric, '' AS segment, 'revenue_rows_without_value' AS value, CAST(COALESCE(SUM(CASE WHEN (fb & 4) <> 0 THEN n ELSE 0 END), 0) AS VARCHAR) AS n, '' AS sum, '' AS sum_squares, '' AS pre_sum, '' AS pre_sum_squares, '' AS sum_products, '' AS exposed_n, '' AS exposed_sum, '' AS exposed_sum_squares, '' AS exposed_pre_sum, '' AS exposed_pre_sum_squares, '' AS exposed_sum_products, '' AS open, '' AS spend, '' AS first_entry, '' AS last_entry
FROM h_activity
UNION ALL
SELECT 'finding' AS section, '' AS arm, '' AS metric, '' AS segment, 'times_before_floor' AS value, CAST(COALESCE(SUM(CASE WHEN (fb & 8) <> 0 THEN n ELSE 0 END), 0) AS VARCHAR) AS n, '' AS sum, '' AS sum_squares, '' AS pre_sum, '' AS pre_sum_squares, '' AS sum_products, '' AS exposed_n, '' AS exposed_sum, '' AS exposed_sum_squares, '' AS exposed_pre_sum, '' AS exposed_pre_sum_squares, '' AS exposed_sum_products, '' AS open, '' AS spend, '' AS first_entry, '' AS last_entry
FROM h_activity
UNION ALL
SELECT 'finding' AS section, '' AS arm, '' AS metric, '' AS segment, 'times_far_after_as_of' AS value, CAST(COALESCE(SUM(CASE WHEN (fb & 16) <> 0 THEN n ELSE 0 END), 0) AS VARCHAR) AS n, '' AS sum, '' AS sum_squares, '' AS pre_sum, '' AS pre_sum_squares, '' AS sum_products, '' AS exposed_n, '' AS exposed_sum, '' AS exposed_sum_squares, '' AS exposed_pre_sum, '' AS exposed_pre_sum_squares, '' AS exposed_sum_products, '' AS open, '' AS spend, '' AS first_entry, '' AS last_entry
FROM h_activity
UNION ALL
SELECT 'finding' AS section, '' AS arm, '' AS metric, '' AS segment, 'conflicting_duplicates' AS value, CAST(COALESCE(SUM(CASE WHEN (fb & 32) <> 0 THEN n ELSE 0 END), 0) AS VARCHAR) AS n, '' AS sum, '' AS sum_squares, '' AS pre_sum, '' AS pre_sum_squares, '' AS sum_products, '' AS exposed_n, '' AS exposed_sum, '' AS exposed_sum_squares, '' AS exposed_pre_sum, '' AS exposed_pre_sum_squares, '' AS exposed_sum_products, '' AS open, '' AS spend, '' AS first_entry, '' AS last_entry
FROM h_activity
UNION ALL
SELECT 'weekly_users' AS section, CASE arm WHEN 0 THEN 'holdout' WHEN 1 THEN 'sms' WHEN 2 THEN 'sms_email' END AS arm, '' AS metric, '' AS segment, CAST(cutoff AS VARCHAR) AS value, CAST(n AS VARCHAR) AS n, '' AS sum, '' AS sum_squares, '' AS pre_sum, '' AS pre_sum_squares, '' AS sum_products, '' AS exposed_n, '' AS exposed_sum, '' AS exposed_sum_squares, '' AS exposed_pre_sum, '' AS exposed_pre_sum_squares, '' AS exposed_sum_products, '' AS open, '' AS spend, '' AS first_entry, '' AS last_entry
FROM h_week_users
UNION ALL
SELECT 'weekly_metric' AS section, CASE a.arm WHEN 0 THEN 'holdout' WHEN 1 THEN 'sms' WHEN 2 THEN 'sms_email' END AS arm, 'conversion_14d' AS metric, '' AS segment, CAST(a.cutoff AS VARCHAR) AS value, CAST(COALESCE(t.n, 0) AS VARCHAR) AS n, CAST(COALESCE(t.s, 0) AS VARCHAR) AS sum, CAST(COALESCE(t.ss, 0) AS VARCHAR) AS sum_squares, CAST(COALESCE(t.ps, 0) AS VARCHAR) AS pre_sum, CAST(COALESCE(t.pss, 0) AS VARCHAR) AS pre_sum_squares, CAST(COALESCE(t.sp, 0) AS VARCHAR) AS sum_products, '' AS exposed_n, '' AS exposed_sum, '' AS exposed_sum_squares, '' AS exposed_pre_sum, '' AS exposed_pre_sum_squares, '' AS exposed_sum_products, CAST(a.n - COALESCE(t.n, 0) AS VARCHAR) AS open, '' AS spend, '' AS first_entry, '' AS last_entry
FROM h_week_users a LEFT JOIN h_week_sum_0 t ON t.cutoff = a.cutoff AND t.arm = a.arm
UNION ALL
SELECT 'weekly_metric' AS section, CASE a.arm WHEN 0 THEN 'holdout' WHEN 1 THEN 'sms' WHEN 2 THEN 'sms_email' END AS arm, 'revenue_30d' AS metric, '' AS segment, CAST(a.cutoff AS VARCHAR) AS value, CAST(COALESCE(t.n, 0) AS VARCHAR) AS n, CAST(COALESCE(t.s, 0) AS VARCHAR) AS sum, CAST(COALESCE(t.ss, 0) AS VARCHAR) AS sum_squares, CAST(COALESCE(t.ps, 0) AS VARCHAR) AS pre_sum, CAST(COALESCE(t.pss, 0) AS VARCHAR) AS pre_sum_squares, CAST(COALESCE(t.sp, 0) AS VARCHAR) AS sum_products, '' AS exposed_n, '' AS exposed_sum, '' AS exposed_sum_squares, '' AS exposed_pre_sum, '' AS exposed_pre_sum_squares, '' AS exposed_sum_products, CAST(a.n - COALESCE(t.n, 0) AS VARCHAR) AS open, '' AS spend, '' AS first_entry, '' AS last_entry
FROM h_week_users a LEFT JOIN h_week_sum_1 t ON t.cutoff = a.cutoff AND t.arm = a.arm
UNION ALL
SELECT 'weekly_metric' AS section, CASE a.arm WHEN 0 THEN 'holdout' WHEN 1 THEN 'sms' WHEN 2 THEN 'sms_email' END AS arm, 'retained_d7' AS metric, '' AS segment, CAST(a.cutoff AS VARCHAR) AS value, CAST(COALESCE(t.n, 0) AS VARCHAR) AS n, CAST(COALESCE(t.s, 0) AS VARCHAR) AS sum, CAST(COALESCE(t.ss, 0) AS VARCHAR) AS sum_squares, CAST(COALESCE(t.ps, 0) AS VARCHAR) AS pre_sum, CAST(COALESCE(t.pss, 0) AS VARCHAR) AS pre_sum_squares, CAST(COALESCE(t.sp, 0) AS VARCHAR) AS sum_products, '' AS exposed_n, '' AS exposed_sum, '' AS exposed_sum_squares, '' AS exposed_pre_sum, '' AS exposed_pre_sum_squares, '' AS exposed_sum_products, CAST(a.n - COALESCE(t.n, 0) AS VARCHAR) AS open, '' AS spend, '' AS first_entry, '' AS last_entry
FROM h_week_users a LEFT JOIN h_week_sum_2 t ON t.cutoff = a.cutoff AND t.arm = a.arm
UNION ALL
SELECT 'weekly_metric' AS section, CASE a.arm WHEN 0 THEN 'holdout' WHEN 1 THEN 'sms' WHEN 2 THEN 'sms_email' END AS arm, 'retained_d30' AS metric, '' AS segment, CAST(a.cutoff AS VARCHAR) AS value, CAST(COALESCE(t.n, 0) AS VARCHAR) AS n, CAST(COALESCE(t.s, 0) AS VARCHAR) AS sum, CAST(COALESCE(t.ss, 0) AS VARCHAR) AS sum_squares, CAST(COALESCE(t.ps, 0) AS VARCHAR) AS pre_sum, CAST(COALESCE(t.pss, 0) AS VARCHAR) AS pre_sum_squares, CAST(COALESCE(t.sp, 0) AS VARCHAR) AS sum_products, '' AS exposed_n, '' AS exposed_sum, '' AS exposed_sum_squares, '' AS exposed_pre_sum, '' AS exposed_pre_sum_squares, '' AS exposed_sum_products, CAST(a.n - COALESCE(t.n, 0) AS VARCHAR) AS open, '' AS spend, '' AS first_entry, '' AS last_entry
FROM h_week_users a LEFT JOIN h_week_sum_3 t ON t.cutoff = a.cutoff AND t.arm = a.arm
UNION ALL
SELECT 'weekly_metric' AS section, CASE a.arm WHEN 0 THEN 'holdout' WHEN 1 THEN 'sms' WHEN 2 THEN 'sms_email' END AS arm, 'unsubscribed_14d' AS metric, '' AS segment, CAST(a.cutoff AS VARCHAR) AS value, CAST(COALESCE(t.n, 0) AS VARCHAR) AS n, CAST(COALESCE(t.s, 0) AS VARCHAR) AS sum, CAST(COALESCE(t.ss, 0) AS VARCHAR) AS sum_squares, CAST(COALESCE(t.ps, 0) AS VARCHAR) AS pre_sum, CAST(COALESCE(t.pss, 0) AS VARCHAR) AS pre_sum_squares, CAST(COALESCE(t.sp, 0) AS VARCHAR) AS sum_products, '' AS exposed_n, '' AS exposed_sum, '' AS exposed_sum_squares, '' AS exposed_pre_sum, '' AS exposed_pre_sum_squares, '' AS exposed_sum_products, CAST(a.n - COALESCE(t.n, 0) AS VARCHAR) AS open, '' AS spend, '' AS first_entry, '' AS last_entry
FROM h_week_users a LEFT JOIN h_week_sum_4 t ON t.cutoff = a.cutoff AND t.arm = a.arm
ORDER BY 1, 2, 3, 4, 5, 6;
