-- The figures of `msgwork report` (overall, by role, by category), as an
-- analyst would compute them in DuckDB from the same CSV: window functions for
-- runs and replies, ordered aggregates for clinician attributes, GROUPING SETS
-- for the breakdowns, and a day series for business hours.
-- Run by bench/duckdb.mjs with :file replaced; times are taken as UTC, as the
-- bench runs msgwork with --timezone UTC. Work window mon-fri 07:00-17:00.

CREATE TEMP TABLE m AS
SELECT
  message_id,
  thread_id,
  sent_at::TIMESTAMP AS ts,
  sender_type,
  nullif(trim(sender_id), '') AS sender_id,
  nullif(trim(recipient_id), '') AS recipient_id,
  patient_id,
  CASE lower(trim(sender_role))
    WHEN 'md' THEN 'physician' WHEN 'do' THEN 'physician' WHEN 'physician' THEN 'physician'
    WHEN 'np' THEN 'app' WHEN 'nurse practitioner' THEN 'app' WHEN 'pa' THEN 'app' WHEN 'physician assistant' THEN 'app'
    WHEN 'resident' THEN 'resident' WHEN 'fellow' THEN 'resident'
    WHEN 'rn' THEN 'rn' WHEN 'registered nurse' THEN 'rn'
    WHEN 'lpn' THEN 'lpn'
    WHEN 'ma' THEN 'ma' WHEN 'medical assistant' THEN 'ma'
    WHEN 'pharmd' THEN 'pharmacist' WHEN 'pharmacist' THEN 'pharmacist'
    WHEN 'front desk' THEN 'staff' WHEN 'scheduler' THEN 'staff' WHEN 'administrative' THEN 'staff'
    ELSE nullif(trim(sender_role), '')
  END AS role_raw,
  CASE lower(trim(category))
    WHEN 'medication renewal request' THEN 'prescription' WHEN 'prescription' THEN 'prescription'
    WHEN 'patient medical advice request' THEN 'medical_question' WHEN 'medical_question' THEN 'medical_question'
    WHEN 'appointment request' THEN 'scheduling' WHEN 'scheduling' THEN 'scheduling'
    WHEN 'test results question' THEN 'test_results' WHEN 'test_results' THEN 'test_results'
    WHEN 'referral request' THEN 'referral' WHEN 'referral' THEN 'referral'
    WHEN 'visit follow-up question' THEN 'visit_followup' WHEN 'visit_followup' THEN 'visit_followup'
    ELSE coalesce(nullif(trim(category), ''), 'unknown')
  END AS category
FROM read_csv(:file, header = true, all_varchar = true)
WHERE sender_type IN ('patient', 'clinician');

-- Clinicians: role from their first sent message that has one.
CREATE TEMP TABLE clin AS
SELECT sender_id AS id, coalesce(first(role_raw ORDER BY ts, message_id) FILTER (WHERE role_raw IS NOT NULL), 'unknown') AS role
FROM m WHERE sender_type = 'clinician' GROUP BY sender_id;

-- Thread order, runs, replies, attribution.
CREATE TEMP TABLE o AS
SELECT m.*,
  lag(sender_type) OVER w AS prev_type,
  first_value(CASE WHEN sender_type = 'clinician' THEN ts END IGNORE NULLS) OVER f AS reply_ts,
  first_value(CASE WHEN sender_type = 'clinician' THEN sender_id END IGNORE NULLS) OVER f AS reply_sender,
  first_value(CASE WHEN category <> 'unknown' THEN category END IGNORE NULLS) OVER (PARTITION BY thread_id ORDER BY ts, message_id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS thread_category_raw,
  row_number() OVER w AS pos
FROM m
WINDOW w AS (PARTITION BY thread_id ORDER BY ts, message_id),
       f AS (PARTITION BY thread_id ORDER BY ts, message_id ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING);

CREATE TEMP TABLE a AS
SELECT o.*,
  CASE WHEN sender_type = 'clinician' THEN sender_id WHEN r.id IS NOT NULL THEN recipient_id ELSE reply_sender END AS clinician,
  coalesce(thread_category_raw, 'unknown') AS thread_category
FROM o LEFT JOIN clin r ON r.id = o.recipient_id;

CREATE TEMP TABLE g AS
SELECT a.*, coalesce(c.role, 'unattributed') AS role
FROM a LEFT JOIN clin c ON c.id = a.clinician;

-- Volume.
CREATE TEMP TABLE per_clinician AS
SELECT role, category, grouping(role, category) AS gs, sender_id, count(*) AS n FROM g WHERE sender_type = 'clinician'
GROUP BY GROUPING SETS ((sender_id), (role, sender_id), (category, sender_id));

SELECT v.role, v.category, v.messages_sent, v.patient_messages, v.patients, v.threads,
  100.0 * v.messages_sent / (SELECT count(*) FROM g WHERE sender_type = 'clinician') AS pct_of_clinician_messages,
  coalesce(p.clinicians, 0) AS clinicians, p.mean_per_clinician, p.median_per_clinician
FROM (
  SELECT role, category, grouping(role, category) AS gs,
    count(*) FILTER (WHERE sender_type = 'clinician') AS messages_sent,
    count(*) FILTER (WHERE sender_type = 'patient') AS patient_messages,
    count(DISTINCT patient_id) AS patients, count(DISTINCT thread_id) AS threads
  FROM g GROUP BY GROUPING SETS ((), (role), (category))
) v LEFT JOIN (
  SELECT role, category, gs, count(*) AS clinicians, avg(n) AS mean_per_clinician, quantile_cont(n, 0.5) AS median_per_clinician
  FROM per_clinician GROUP BY gs, role, category
) p ON v.gs = p.gs AND v.role IS NOT DISTINCT FROM p.role AND v.category IS NOT DISTINCT FROM p.category;

-- After hours, with sessions (gap 15 min, + 2 min a session).
CREATE TEMP TABLE ah AS
SELECT *, (dayofweek(ts) IN (0, 6) OR hour(ts) < 7 OR hour(ts) >= 17) AS after_hours, hour(ts) >= 17 AND hour(ts) < 19 AS evening
FROM g WHERE sender_type = 'clinician';

CREATE TEMP TABLE sessions AS
SELECT role, category, epoch(last_ts - first_ts) / 60 + 2 AS minutes FROM (
  SELECT session_id, sender_id,
    first(role ORDER BY ts, message_id) AS role, first(category ORDER BY ts, message_id) AS category,
    min(ts) AS first_ts, max(ts) AS last_ts
  FROM (
    SELECT *, sum(new_session) OVER (PARTITION BY sender_id ORDER BY ts, message_id) AS session_id FROM (
      SELECT *, CASE WHEN lag(ts) OVER (PARTITION BY sender_id ORDER BY ts, message_id) >= ts - INTERVAL 15 MINUTE THEN 0 ELSE 1 END AS new_session
      FROM ah WHERE after_hours
    )
  ) GROUP BY sender_id, session_id
);

SELECT x.*, s.est_after_hours_minutes,
  s.est_after_hours_minutes / x.clinicians / ((SELECT date_diff('day', min(ts)::DATE, max(ts)::DATE) + 1 FROM m) / 7.0) AS est_after_hours_minutes_per_clinician_week
FROM (
  SELECT role, category, grouping(role, category) AS gs, count(DISTINCT sender_id) AS clinicians, count(*) AS messages_sent,
    count(*) FILTER (WHERE after_hours) AS after_hours_messages, 100.0 * count(*) FILTER (WHERE after_hours) / count(*) AS pct_after_hours,
    count(*) FILTER (WHERE evening) AS evening_messages, 100.0 * count(*) FILTER (WHERE evening) / count(*) AS pct_evening,
    count(DISTINCT (sender_id, ts::DATE)) FILTER (WHERE after_hours) AS after_hours_days
  FROM ah GROUP BY GROUPING SETS ((), (role), (category))
) x LEFT JOIN (
  SELECT role, category, grouping(role, category) AS gs, sum(minutes) AS est_after_hours_minutes FROM sessions GROUP BY GROUPING SETS ((), (role), (category))
) s ON x.gs = s.gs AND x.role IS NOT DISTINCT FROM s.role AND x.category IS NOT DISTINCT FROM s.category;

-- Latency: index messages are the first of each patient run.
CREATE TEMP TABLE idx AS
SELECT role, thread_category AS category, ts, reply_ts, epoch(reply_ts - ts) / 3600 AS hours
FROM g WHERE sender_type = 'patient' AND (prev_type IS NULL OR prev_type <> 'patient');

CREATE TEMP TABLE business AS
SELECT i.ts, i.reply_ts, i.role, i.category,
  sum(greatest(0, epoch(least(i.reply_ts, d + INTERVAL 17 HOUR)) - epoch(greatest(i.ts, d + INTERVAL 7 HOUR)))) FILTER (WHERE dayofweek(d) BETWEEN 1 AND 5) / 3600 AS business_hours
FROM idx i, range(date_trunc('day', i.ts), i.reply_ts, INTERVAL 1 DAY) t(d)
WHERE i.reply_ts IS NOT NULL
GROUP BY ALL;

SELECT l.*, b.median_business_hours, 100.0 * coalesce(b.within_2_business_days, 0) / l.index_messages AS pct_within_2_business_days FROM (
  SELECT role, category, grouping(role, category) AS gs, count(*) AS index_messages, count(reply_ts) AS answered, count(*) - count(reply_ts) AS unanswered,
    quantile_cont(hours, 0.5) AS median_hours, quantile_cont(hours, 0.9) AS p90_hours, avg(hours) AS mean_hours,
    100.0 * count(*) FILTER (WHERE hours <= 24) / count(*) AS pct_within_24h, 100.0 * count(*) FILTER (WHERE hours <= 72) / count(*) AS pct_within_72h
  FROM idx GROUP BY GROUPING SETS ((), (role), (category))
) l LEFT JOIN (
  SELECT role, category, grouping(role, category) AS gs, quantile_cont(coalesce(business_hours, 0), 0.5) AS median_business_hours,
    count(*) FILTER (WHERE coalesce(business_hours, 0) <= 20) AS within_2_business_days
  FROM business GROUP BY GROUPING SETS ((), (role), (category))
) b ON l.gs = b.gs AND l.role IS NOT DISTINCT FROM b.role AND l.category IS NOT DISTINCT FROM b.category;

-- Rounds: patient runs followed by a clinician run.
SELECT role, category, grouping(role, category) AS gs, count(*) AS threads, sum(messages) AS messages, avg(rounds) AS mean_rounds,
  quantile_cont(rounds, 0.5) AS median_rounds, 100.0 * count(*) FILTER (WHERE rounds <= 4) / count(*) AS pct_le_4_rounds,
  count(*) FILTER (WHERE rounds = 0) AS rounds_0, count(*) FILTER (WHERE rounds = 1) AS rounds_1, count(*) FILTER (WHERE rounds = 2) AS rounds_2,
  count(*) FILTER (WHERE rounds = 3) AS rounds_3, count(*) FILTER (WHERE rounds = 4) AS rounds_4, count(*) FILTER (WHERE rounds >= 5) AS rounds_5_plus,
  quantile_cont(hours, 0.5) AS median_duration_hours
FROM (
  SELECT thread_id, first(role ORDER BY pos) AS role, first(thread_category) AS category, count(*) AS messages,
    count(*) FILTER (WHERE sender_type = 'clinician' AND prev_type = 'patient') AS rounds, epoch(max(ts) - min(ts)) / 3600 AS hours
  FROM g GROUP BY thread_id
) GROUP BY GROUPING SETS ((), (role), (category));
