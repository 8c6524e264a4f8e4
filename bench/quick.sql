-- The quick peer (SPEC 6): what an analyst writes in an afternoon for the core
-- figures, without msgwork's care for business time, attribution or censoring.
-- Typed columns, plain window functions: volume by role and by category, the
-- after-hours share (outside mon-fri 07:00-17:00), latency median, p90 and share
-- answered within 24 h (a patient message's next clinician message in the
-- thread), and rounds (patient-to-clinician turns per thread).
-- Run by bench/duckdb.mjs with :file replaced; times read as UTC.

CREATE TEMP TABLE m AS
SELECT * FROM read_csv(:file, header = true, columns = {
  'message_id': 'VARCHAR', 'thread_id': 'VARCHAR', 'sent_at': 'TIMESTAMP', 'sender_type': 'VARCHAR',
  'sender_id': 'VARCHAR', 'sender_role': 'VARCHAR', 'patient_id': 'VARCHAR', 'recipient_id': 'VARCHAR',
  'category': 'VARCHAR', 'department': 'VARCHAR', 'care_setting': 'VARCHAR', 'subject': 'VARCHAR'})
WHERE sender_type IN ('patient', 'clinician');

SELECT coalesce(sender_role, 'unknown') AS role, count(*) AS messages_sent, count(DISTINCT sender_id) AS clinicians,
  avg(CASE WHEN isodow(sent_at) > 5 OR hour(sent_at) < 7 OR hour(sent_at) >= 17 THEN 1 ELSE 0 END) AS after_hours_share
FROM m WHERE sender_type = 'clinician' GROUP BY ALL ORDER BY 1;

SELECT coalesce(category, 'unknown') AS category, count(*) FILTER (WHERE sender_type = 'clinician') AS messages_sent,
  count(*) FILTER (WHERE sender_type = 'patient') AS patient_messages
FROM m GROUP BY ALL ORDER BY 1;

CREATE TEMP TABLE replies AS
SELECT sender_type, sent_at,
  min(CASE WHEN sender_type = 'clinician' THEN sent_at END) OVER (PARTITION BY thread_id ORDER BY sent_at, message_id
    ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS reply_at,
  lag(sender_type) OVER (PARTITION BY thread_id ORDER BY sent_at, message_id) AS previous_type,
  thread_id
FROM m;

SELECT count(*) AS index_messages,
  median(epoch(reply_at - sent_at) / 3600) AS median_hours,
  quantile_cont(epoch(reply_at - sent_at) / 3600, 0.9) AS p90_hours,
  avg(CASE WHEN reply_at - sent_at <= INTERVAL 24 HOUR THEN 1 ELSE 0 END) AS share_within_24h
FROM replies WHERE sender_type = 'patient' AND (previous_type IS NULL OR previous_type = 'clinician');

SELECT avg(rounds) AS mean_rounds, median(rounds) AS median_rounds, max(rounds) AS max_rounds
FROM (SELECT thread_id, count(*) FILTER (WHERE sender_type = 'clinician' AND previous_type = 'patient') AS rounds
      FROM replies GROUP BY thread_id);
