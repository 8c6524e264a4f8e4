/**
 * The report's definitions (SPEC 2) as one SQL script (SPEC 7): temporary
 * tables for the messages, threads, replies, attribution and the work
 * calendar, then one result set per section and grouping, with the CSV
 * contract's column names. Portable SQL throughout; whatever engines spell
 * differently is asked of the dialect (`dialect.ts`).
 *
 * What the in-memory engine does and this script does not: reading files
 * (the table must hold the canonical columns, one row per message),
 * duplicate rows, one row per recipient, a roster and confidence intervals
 * (--ci), refused in settings.ts; pseudonyms, which report --db applies to
 * the results.
 */

import type { Vocabularies, Vocabulary } from '../input/vocabulary.js';
import type { TimeRange } from '../model/calendar.js';
import { groupColumn, PERIOD_DIMENSIONS, type Dimension } from '../model/groups.js';
import { formatDay } from '../model/zone.js';
import type { MetricSettings } from '../metrics/context.js';
import { clinicianAttributeColumns } from '../metrics/volume.js';
import type { Dialect } from './dialect.js';

export const SQL_SECTIONS = ['volume', 'after-hours', 'latency', 'rounds'] as const;
export type SqlSection = (typeof SQL_SECTIONS)[number];

export interface SqlOptions {
  dialect: Dialect;
  /** The table or view with the canonical columns (as written into FROM). */
  table: string;
  /** Reporting zone and the zone of the naive sent_at values (IANA). */
  zone: string;
  inputZone: string;
  workHours: TimeRange;
  /** ISO weekdays, 0 = Monday. */
  workDays: readonly boolean[];
  /** Holidays as day numbers. */
  holidays: readonly number[];
  /** The window, as day numbers, when given. */
  since?: number | undefined;
  until?: number | undefined;
  /** --as-of, epoch ms, when given. */
  asOf?: number | undefined;
  metric: MetricSettings;
  /** The run's vocabularies (SPEC 1.5, with a config file's synonyms): the script maps raw values as files are mapped. */
  vocabularies: Vocabularies;
  systemSenders: readonly string[];
  sections: readonly SqlSection[];
  /** The groupings of every section ([] is all data). */
  views: readonly (readonly Dimension[])[];
  /**
   * Also the two tables the HTML charts read beside the sections (report --db):
   * `chart.hour_weekday` (clinician messages in the window by ISO weekday and
   * hour) and `chart.latency_curve` (answered index messages by role and whole
   * hours to the reply, rounded up).
   */
  charts?: boolean;
}

export interface SqlStatement {
  sql: string;
  /** The result set this statement returns: `run`, `latency.by_role`, `volume.total`; absent for set-up statements. */
  result?: string;
}

/** Names every temporary table this script makes (prefixed, so as not to clash with the user's). */
const T = {
  src: 'mw_src',
  time: 'mw_time',
  m: 'mw_m',
  run: 'mw_run',
  digits: 'mw_digits',
  w: 'mw_w',
  c: 'mw_c',
  a: 'mw_a',
  cal: 'mw_cal',
  days: 'mw_days',
  holidays: 'mw_holidays',
  ve: 'mw_ve',
  ae: 'mw_ae',
  sx: 'mw_sx',
  sy: 'mw_sy',
  sess: 'mw_sess',
  le: 'mw_le',
  li: 'mw_li',
  th: 'mw_th',
  re: 'mw_re',
} as const;

/** The tables of each section's entities, dropped once its result sets are out. */
const ENTITY_TABLES: Record<SqlSection, string[]> = { volume: [T.ve], 'after-hours': [T.ae, T.sess], latency: [T.le], rounds: [T.th, T.re] };

const LABEL_PREFIX = 'g_';

/** The column of an entity table holding a dimension's label. */
const labelColumn = (d: Dimension) => `${LABEL_PREFIX}${groupColumn(d)}`;

export function generateSql(options: SqlOptions): SqlStatement[] {
  return new Generator(options).script();
}

class Generator {
  private readonly d: Dialect;
  private readonly dims: ReadonlySet<Dimension>;
  private readonly out: SqlStatement[] = [];

  constructor(private readonly o: SqlOptions) {
    this.d = o.dialect;
    this.dims = new Set([...o.views.flat(), ...(o.charts ? (['role'] as const) : [])]);
  }

  script(): SqlStatement[] {
    this.messages();
    this.threads();
    this.calendar();
    for (const section of this.o.sections) {
      if (section === 'volume') this.volumeEntities();
      if (section === 'after-hours') this.afterHoursEntities();
      if (section === 'latency') this.latencyEntities();
      if (section === 'rounds') this.roundEntities();
      const views = this.o.views;
      for (const view of views) this.result(section, view, `${section}${view.length ? `.by_${view.join('_')}` : ''}`);
      // The all-data row a table shows as its total: the clinician view's has its own columns (SPEC 2.1).
      if (!views.some((v) => v.length === 0)) this.result(section, [], `${section}.total`);
      if (section === 'volume' && views.some((v) => v.includes('clinician'))) this.result(section, [], 'volume.total.clinician', true);
      if (this.o.charts) this.chartResults(section);
      for (const table of ENTITY_TABLES[section]) this.drop(table);
    }
    return this.out;
  }

  private t(name: string): string {
    return this.d.temp(name);
  }

  private create(name: string, query: string): void {
    this.out.push({ sql: this.d.createTemp(name, query) });
  }

  /** Gives back a temporary table's memory once nothing later reads it (engines whose temporary tables are views keep them). */
  private drop(name: string): void {
    if (this.d.dropTemp) this.out.push({ sql: this.d.dropTemp(name) });
  }

  private num(value: number): string {
    return `CAST(${value} AS ${this.d.double})`;
  }

  private s(value: string): string {
    return this.d.text(value);
  }

  // ---- vocabularies (SPEC 1.5) ----

  /** The comparison key of a raw value, as vocabularyKey computes it. */
  private key(expr: string): string {
    const d = this.d;
    return `TRIM(${d.replaceAll(d.replaceAll(`LOWER(${expr})`, '\\.', ''), '[ \\t\\r\\n_/-]+', ' ')})`;
  }

  /**
   * A CASE mapping a value's comparison key (column `k`) to the canonical value;
   * `unknown` becomes NULL; others are kept trimmed (column `raw`).
   */
  private vocabulary(raw: string, k: string, vocabulary: Vocabulary): string {
    const whens = [...vocabulary.synonymKeys].map(([key, v]) => `WHEN ${this.s(key)} THEN ${this.s(v)}`).join(' ');
    const padded = `CONCAT(' ', ${k}, ' ')`;
    const rules = vocabulary.keywords.map(([canonical, words]) => `WHEN ${words.map((w) => `${padded} LIKE ${this.s(`% ${w} %`)}`).join(' OR ')} THEN ${this.s(canonical)}`).join('\n      ');
    const fallback = rules ? `CASE ${rules}\n      ELSE ${raw} END` : raw;
    return `CASE WHEN ${k} = 'unknown' THEN NULL ELSE CASE ${k}\n      ${whens}\n      ELSE ${fallback} END END`;
  }

  private nonEmpty(column: string): string {
    return `NULLIF(TRIM(${this.d.toText(this.d.ident(column))}), '')`;
  }

  /** The UTC epoch ms of a naive wall time in a zone: a gap time moves forward, an ambiguous one takes the earlier instant (SPEC 1.4). */
  private instant(naive: string, zone: string): string {
    const d = this.d;
    const plain = d.wallToEpochMs(naive, zone);
    // Engines take the later instant of a fall-back hour; three hours earlier and back is the earlier one when it reads the same.
    const earlier = `(${d.wallToEpochMs(d.addMinutes(naive, -180), zone)} + 10800000)`;
    return `CASE WHEN ${earlier} < ${plain} AND ${d.epochMsToWall(earlier, zone)} = CAST(${naive} AS ${this.d.timestamp}) THEN ${earlier} ELSE ${plain} END`;
  }

  // ---- messages ----

  /** A small table mapping each distinct raw value of a column to its canonical value (SPEC 1.5), so the regular expressions run once per value, not per row. */
  private vocabularyTable(column: string, vocabulary: Vocabulary): string {
    const name = `mw_v_${column}`;
    this.create(
      name,
      `SELECT x.raw, ${this.vocabulary('x.raw', 'x.k', vocabulary)} AS canonical
FROM (SELECT y.raw, ${this.key('y.raw')} AS k FROM (SELECT DISTINCT ${this.nonEmpty(column)} AS raw FROM ${this.o.table}) y WHERE y.raw IS NOT NULL) x`,
    );
    return name;
  }

  private messages(): void {
    const { o, d } = this;
    const v = o.vocabularies;
    const system = o.systemSenders.length ? ` OR (r.stype = 'clinician' AND r.sender_id IN (${o.systemSenders.map((id) => this.s(id)).join(', ')}))` : '';
    const text = ['message_id', 'thread_id', 'patient_id', 'recipient_id', 'sender_id', 'sender_type', 'sender_role', 'category', 'department', 'care_setting'];
    const vocabularies = {
      sender_type: this.vocabularyTable('sender_type', v.senderType),
      sender_role: this.vocabularyTable('sender_role', v.role),
      category: this.vocabularyTable('category', v.category),
      care_setting: this.vocabularyTable('care_setting', v.careSetting),
    };
    const joins = Object.entries(vocabularies)
      .map(([column, table]) => `  LEFT JOIN ${this.t(table)} v_${column} ON v_${column}.raw = u.${column}`)
      .join('\n');
    this.create(
      T.src,
      `SELECT r.message_id, r.thread_id, r.sent_at, r.patient_id, r.recipient_id, r.role, r.category, r.department, r.care_setting,
  CASE WHEN r.stype = 'clinician' THEN r.sender_id END AS sender_id,
  CASE WHEN r.stype = 'system' OR r.category = 'system'${system} THEN 'system' ELSE r.stype END AS sender_type
FROM (
  SELECT u.message_id, u.thread_id, u.sent_at, u.patient_id, u.recipient_id, u.sender_id,
    v_sender_type.canonical AS stype, v_sender_role.canonical AS role, v_category.canonical AS category,
    CASE WHEN LOWER(u.department) = 'unknown' THEN NULL ELSE u.department END AS department, v_care_setting.canonical AS care_setting
  FROM (SELECT ${d.ident('sent_at')} AS sent_at, ${text.map((c) => `${this.nonEmpty(c)} AS ${c}`).join(',\n      ')}
    FROM ${o.table}) u
${joins}
) r
WHERE r.message_id IS NOT NULL AND r.thread_id IS NOT NULL AND r.patient_id IS NOT NULL AND r.sent_at IS NOT NULL
  AND ${d.yearOf(`r.sent_at`)} BETWEEN 1990 AND 2099
  AND (r.stype = 'patient' OR r.stype = 'system' OR r.category = 'system' OR (r.stype = 'clinician' AND r.sender_id IS NOT NULL))`,
    );
    for (const table of Object.values(vocabularies)) this.drop(table);
    this.create(T.time, `SELECT s.*, ${this.instant('s.sent_at', o.inputZone)} AS utc_ms FROM ${this.t(T.src)} s WHERE s.sender_type IN ('patient', 'clinician')`);
    const asOf = o.asOf !== undefined ? `CAST(${o.asOf} AS ${d.bigint})` : `(SELECT MAX(utc_ms) FROM ${this.t(T.time)})`;
    this.create(
      T.m,
      `SELECT x.*, ${d.dateOf('x.local_ts')} AS local_day, ${d.hourOf('x.local_ts')} AS local_hour, ${d.hourOf('x.local_ts')} * 60 + ${d.minuteOf('x.local_ts')} AS local_minute
FROM (SELECT t.message_id, t.thread_id, t.sender_type, t.sender_id, t.recipient_id, t.patient_id, t.role, t.category, t.department, t.care_setting, t.utc_ms,
  ${d.epochMsToWall('t.utc_ms', o.zone)} AS local_ts FROM ${this.t(T.time)} t WHERE t.utc_ms <= ${asOf}) x`,
    );
    const since = o.since !== undefined ? d.date(formatDay(o.since)) : 'MIN(local_day)';
    const until = o.until !== undefined ? d.date(formatDay(o.until)) : 'MAX(local_day)';
    this.create(
      T.run,
      `SELECT MIN(local_day) AS first_day, MAX(local_day) AS last_day, ${since} AS since_day, ${until} AS until_day, ${asOf} AS as_of_ms, COUNT(*) AS messages, COUNT(recipient_id) AS with_recipient FROM ${this.t(T.m)}`,
    );
    const epoch = d.date('1970-01-01');
    const run = this.t(T.run);
    this.out.push({
      result: 'run',
      sql: `SELECT ${d.daysBetween(epoch, 'r.first_day')} AS first_day, ${d.daysBetween(epoch, 'r.last_day')} AS last_day, ${d.daysBetween(epoch, 'r.since_day')} AS since_day, ${d.daysBetween(epoch, 'r.until_day')} AS until_day, r.as_of_ms, r.messages,
  (SELECT COUNT(*) FROM ${o.table}) AS rows_read,
  (SELECT COUNT(*) FROM ${this.t(T.src)} WHERE sender_type = 'system') AS system_messages,
  (SELECT COUNT(*) FROM ${this.t(T.time)}) - r.messages AS after_as_of,
  (SELECT COUNT(*) FROM ${this.t(T.m)} m WHERE m.local_day < r.since_day OR m.local_day > r.until_day) AS outside_window
FROM ${run} r`,
    });
    this.drop(T.src);
    this.drop(T.time);
  }

  // ---- threads, replies, attribution (SPEC 2) ----

  private threads(): void {
    const { d } = this;
    this.create(
      T.w,
      `SELECT o.*,
  LAG(o.sender_type) OVER (PARTITION BY o.thread_id ORDER BY o.pos) AS prev_type,
  MIN(CASE WHEN o.sender_type = 'clinician' THEN o.pos END) OVER (PARTITION BY o.thread_id ORDER BY o.pos ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS reply_pos,
  MIN(CASE WHEN o.category IS NOT NULL THEN o.pos END) OVER (PARTITION BY o.thread_id) AS category_pos
FROM (SELECT m.*, ROW_NUMBER() OVER (PARTITION BY m.thread_id ORDER BY m.utc_ms, ${d.binaryOrder('m.message_id')}) AS pos FROM ${this.t(T.m)} m) o`,
    );
    // Clinicians: every sender of a clinician message; attributes from their first sent message that has one.
    const first = (attribute: string) =>
      `LEFT JOIN (SELECT x.id, x.${attribute} FROM (SELECT m.sender_id AS id, m.${attribute}, ROW_NUMBER() OVER (PARTITION BY m.sender_id ORDER BY m.utc_ms, ${d.binaryOrder('m.message_id')}) AS rn
    FROM ${this.t(T.m)} m WHERE m.sender_type = 'clinician' AND m.${attribute} IS NOT NULL) x WHERE x.rn = 1) ${attribute}_first ON ${attribute}_first.id = s.id`;
    this.create(
      T.c,
      `SELECT s.id, role_first.role, department_first.department, care_setting_first.care_setting
FROM (SELECT DISTINCT sender_id AS id FROM ${this.t(T.m)} WHERE sender_type = 'clinician') s
${first('role')}
${first('department')}
${first('care_setting')}`,
    );
    const time = this.timeLabelColumns('w.local_day');
    this.create(
      T.a,
      `SELECT w.message_id, w.thread_id, w.sender_type, w.sender_id, w.recipient_id, w.patient_id, w.category, w.utc_ms, w.local_day, w.local_hour, w.local_minute, w.pos, w.prev_type,
  rp.utc_ms AS reply_ms, rp.local_day AS reply_day, cp.category AS thread_category,
  CASE WHEN kr.id IS NOT NULL THEN 1 ELSE 0 END AS recipient_known,
  CASE WHEN w.sender_type = 'clinician' THEN w.sender_id WHEN kr.id IS NOT NULL THEN w.recipient_id ELSE rp.sender_id END AS clinician,
  CASE WHEN w.local_day BETWEEN r.since_day AND r.until_day THEN 1 ELSE 0 END AS in_window${time}
FROM ${this.t(T.w)} w
LEFT JOIN ${this.t(T.w)} rp ON rp.thread_id = w.thread_id AND rp.pos = w.reply_pos
LEFT JOIN ${this.t(T.w)} cp ON cp.thread_id = w.thread_id AND cp.pos = w.category_pos
LEFT JOIN ${this.t(T.c)} kr ON kr.id = w.recipient_id
CROSS JOIN ${this.t(T.run)} r`,
    );
    this.drop(T.w);
    this.drop(T.m);
  }

  /** The columns of a local date that the groupings in use need: month (also for quarter and year), ISO week, weekday. */
  private timeColumns(): { name: string; of: (day: string) => string }[] {
    const { d } = this;
    const columns: { name: string; of: (day: string) => string }[] = [];
    if (['month', 'quarter', 'year'].some((x) => this.dims.has(x as Dimension))) columns.push({ name: 'month_label', of: (day) => d.monthLabel(day) });
    if (this.dims.has('week')) columns.push({ name: 'week_label', of: (day) => d.isoWeekLabel(day) });
    if (this.dims.has('weekday')) columns.push({ name: 'iso_weekday', of: (day) => d.isoWeekday(day) });
    return columns;
  }

  /** `, <label of day> AS month_label, …` for the time columns in use. */
  private timeLabelColumns(day: string): string {
    return this.timeColumns()
      .map((c) => `, ${c.of(day)} AS ${c.name}`)
      .join('');
  }

  // ---- the work calendar (business time, SPEC 2.3) and the window's days ----

  private dayNumbers(from: string, to: string): string {
    const digits = this.t(T.digits);
    return `SELECT ${this.d.addDays(`r.${from}`, 'n.i')} AS d FROM ${this.t(T.run)} r CROSS JOIN (SELECT a.i + 10 * b.i + 100 * c.i + 1000 * e.i + 10000 * f.i AS i
  FROM ${digits} a CROSS JOIN ${digits} b CROSS JOIN ${digits} c CROSS JOIN ${digits} e CROSS JOIN ${digits} f) n
  WHERE n.i <= ${this.d.daysBetween(`r.${from}`, `r.${to}`)}`;
  }

  private calendar(): void {
    const { o, d } = this;
    this.create(T.digits, Array.from({ length: 10 }, (_, i) => `SELECT ${i} AS i`).join(' UNION ALL '));
    this.create(T.holidays, `SELECT h.d FROM ${d.dateTable(o.holidays.map(formatDay))}`);
    const start = o.workHours.start, end = o.workHours.end;
    const dayStart = this.instant(d.midnight('c.d'), o.zone);
    const dayEnd = this.instant(d.midnight(d.addDays('c.d', '1')), o.zone);
    const open = `GREATEST(${dayStart}, ${this.instant(d.addMinutes(d.midnight('c.d'), start), o.zone)})`;
    const close = end >= 1440 ? dayEnd : `LEAST(${dayEnd}, ${this.instant(d.addMinutes(d.midnight('c.d'), end), o.zone)})`;
    this.create(
      T.cal,
      `SELECT k.d, k.open_ms, k.close_ms, SUM(k.close_ms - k.open_ms) OVER (ORDER BY k.d ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - (k.close_ms - k.open_ms) AS work_before
FROM (SELECT w.d, CASE WHEN w.work = 1 THEN w.open_ms ELSE 0 END AS open_ms, CASE WHEN w.work = 1 THEN GREATEST(w.open_ms, w.close_ms) ELSE 0 END AS close_ms
  FROM (SELECT c.d, CASE WHEN ${this.workDay('c.d')} THEN 1 ELSE 0 END AS work, ${open} AS open_ms, ${close} AS close_ms
    FROM (${this.dayNumbers('first_day', 'last_day')}) c) w) k`,
    );
    if ([...this.dims].some((x) => PERIOD_DIMENSIONS.has(x))) {
      this.create(T.days, `SELECT c.d AS local_day${this.timeLabelColumns('c.d')} FROM (${this.dayNumbers('since_day', 'until_day')}) c`);
    }
  }

  /** Whether a local date is a work day: a work weekday that is not a holiday (SPEC 1.4). */
  private workDay(day: string): string {
    const weekdays = this.o.workDays.flatMap((on, i) => (on ? [i + 1] : []));
    if (weekdays.length === 0) return '1 = 0';
    return `${this.d.isoWeekday(day)} IN (${weekdays.join(', ')}) AND NOT EXISTS (SELECT 1 FROM ${this.t(T.holidays)} hol WHERE hol.d = ${day})`;
  }

  /** 1 when a message's local time is outside the work window (SPEC 2.2), else 0. */
  private afterHoursFlag(alias: string): string {
    const { start, end } = this.o.workHours;
    return `CASE WHEN ${alias}.local_minute >= ${start} AND ${alias}.local_minute < ${end} AND ${this.workDay(`${alias}.local_day`)} THEN 0 ELSE 1 END`;
  }

  // ---- group labels (SPEC 2 "Groups") ----

  /** Label expressions of every dimension in use, for entity alias `e` (with `clinician`, the time columns, and category column `categoryColumn`) and clinician alias `cl`. */
  private labels(categoryColumn: string): string {
    return [...this.dims].map((dim) => `, ${this.labelExpr(dim, categoryColumn)} AS ${labelColumn(dim)}`).join('');
  }

  /** The label of one dimension for entity alias `e` and clinician alias `cl`. */
  private labelExpr(dim: Dimension, categoryColumn: string): string {
    const attribute = (name: string) => `CASE WHEN e.clinician IS NULL THEN 'unattributed' ELSE COALESCE(cl.${name}, 'unknown') END`;
    const monthPart = (from: number, length: number) => `SUBSTRING(e.month_label, ${from}, ${length})`;
    switch (dim) {
      case 'role':
      case 'department':
      case 'care_setting':
        return attribute(dim);
      case 'clinician':
        return `COALESCE(e.clinician, 'unattributed')`;
      case 'category':
        return `COALESCE(e.${categoryColumn}, 'unknown')`;
      case 'month':
        return 'e.month_label';
      case 'year':
        return monthPart(1, 4);
      case 'quarter':
        return `CONCAT(${monthPart(1, 4)}, '-Q', CASE WHEN ${monthPart(6, 2)} <= '03' THEN '1' WHEN ${monthPart(6, 2)} <= '06' THEN '2' WHEN ${monthPart(6, 2)} <= '09' THEN '3' ELSE '4' END)`;
      case 'week':
        return 'e.week_label';
      case 'weekday':
        return `CASE e.iso_weekday ${['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((n, i) => `WHEN ${i + 1} THEN '${n}'`).join(' ')} END`;
      case 'hour':
        return this.d.toText('e.local_hour');
    }
  }

  private entityTable(name: string, columns: string, source: string, categoryColumn: string, where: string): void {
    this.create(name, `SELECT ${columns}${this.labels(categoryColumn)}\nFROM ${source} e LEFT JOIN ${this.t(T.c)} cl ON cl.id = e.clinician\nWHERE ${where}`);
  }

  private volumeEntities(): void {
    this.entityTable(T.ve, 'e.sender_type, e.sender_id, e.patient_id, e.thread_id, e.local_day, e.clinician, e.recipient_known', this.t(T.a), 'category', 'e.in_window = 1');
  }

  private afterHoursEntities(): void {
    const { o, d } = this;
    const evening = o.metric.evening;
    this.entityTable(
      T.ae,
      `e.message_id, e.sender_id, e.utc_ms, e.local_day, e.local_hour, e.clinician, ${this.afterHoursFlag('e')} AS after_hours,
  CASE WHEN e.local_minute >= ${evening.start} AND e.local_minute < ${evening.end} THEN 1 ELSE 0 END AS evening`,
      this.t(T.a),
      'category',
      `e.in_window = 1 AND e.sender_type = 'clinician'`,
    );
    // Sessions (SPEC 2.2): each clinician's after-hours messages inside the window, in time order.
    const order = `PARTITION BY x.sender_id ORDER BY x.utc_ms, ${d.binaryOrder('x.message_id')}`;
    const gap = Math.round(o.metric.sessionGapMinutes * 60_000);
    this.create(
      T.sx,
      `SELECT x.*, CASE WHEN LAG(x.utc_ms) OVER (${order}) IS NULL OR x.utc_ms - LAG(x.utc_ms) OVER (${order}) > ${gap} THEN 1 ELSE 0 END AS starts FROM ${this.t(T.ae)} x WHERE x.after_hours = 1`,
    );
    this.create(T.sy, `SELECT x.*, SUM(x.starts) OVER (${order} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS session_no FROM ${this.t(T.sx)} x`);
    const labels = [...this.dims].map((dim) => `, f.${labelColumn(dim)}`).join('');
    this.create(
      T.sess,
      `SELECT CAST(s.last_ms - s.first_ms AS ${d.double}) / 60000 + ${this.num(o.metric.minutesPerMessage)} AS minutes${labels}
FROM (SELECT sender_id, session_no, MIN(utc_ms) AS first_ms, MAX(utc_ms) AS last_ms FROM ${this.t(T.sy)} GROUP BY sender_id, session_no) s
JOIN ${this.t(T.sy)} f ON f.sender_id = s.sender_id AND f.session_no = s.session_no AND f.starts = 1`,
    );
    this.drop(T.sx);
    this.drop(T.sy);
  }

  private latencyEntities(): void {
    const { o } = this;
    const index = o.metric.latencyIndex === 'each' ? `e.sender_type = 'patient'` : `e.sender_type = 'patient' AND (e.prev_type IS NULL OR e.prev_type <> 'patient')`;
    const workBefore = (t: string, c: string) => `(${c}.work_before + CASE WHEN ${t} <= ${c}.open_ms THEN 0 WHEN ${t} >= ${c}.close_ms THEN ${c}.close_ms - ${c}.open_ms ELSE ${t} - ${c}.open_ms END)`;
    this.create(
      T.li,
      `SELECT e.*, CASE WHEN e.reply_ms IS NULL THEN NULL ELSE ${workBefore('e.reply_ms', 'cb')} - ${workBefore('e.utc_ms', 'ca')} END AS business_ms, r.as_of_ms - e.utc_ms AS follow_ms
FROM ${this.t(T.a)} e
LEFT JOIN ${this.t(T.cal)} ca ON ca.d = e.local_day
LEFT JOIN ${this.t(T.cal)} cb ON cb.d = e.reply_day
CROSS JOIN ${this.t(T.run)} r
WHERE ${index} AND e.in_window = 1`,
    );
    this.entityTable(
      T.le,
      `CASE WHEN e.reply_ms IS NULL THEN 0 ELSE 1 END AS answered, e.reply_ms - e.utc_ms AS elapsed_ms, e.business_ms, e.follow_ms, e.clinician`,
      this.t(T.li),
      'thread_category',
      '1 = 1',
    );
    this.drop(T.li);
  }

  private roundEntities(): void {
    const time = this.timeColumns().map((c) => `, f.${c.name}`).join('');
    this.create(
      T.th,
      `SELECT f.thread_id, f.clinician, f.thread_category, f.local_day, f.local_hour, f.in_window${time}, s.messages, s.rounds, s.duration_ms
FROM ${this.t(T.a)} f JOIN (SELECT thread_id, COUNT(*) AS messages, SUM(CASE WHEN sender_type = 'clinician' AND prev_type = 'patient' THEN 1 ELSE 0 END) AS rounds, MAX(utc_ms) - MIN(utc_ms) AS duration_ms
  FROM ${this.t(T.a)} GROUP BY thread_id) s ON s.thread_id = f.thread_id
WHERE f.pos = 1`,
    );
    this.entityTable(T.re, 'e.rounds, e.messages, e.duration_ms, e.clinician', this.t(T.th), 'thread_category', 'e.in_window = 1');
  }

  // ---- result sets ----

  private result(section: SqlSection, view: readonly Dimension[], name: string, clinicianTotal = false): void {
    const g = new Grouping(view);
    let sql: string;
    switch (section) {
      case 'volume':
        sql = view.includes('clinician') || clinicianTotal ? this.volumeByClinician(g) : this.volume(g);
        break;
      case 'after-hours':
        sql = this.afterHours(g);
        break;
      case 'latency':
        sql = this.latency(g);
        break;
      case 'rounds':
        sql = this.rounds(g);
        break;
    }
    this.out.push({ sql, result: name });
  }

  private chartResults(section: SqlSection): void {
    const { d } = this;
    if (section === 'after-hours') {
      this.out.push({
        result: 'chart.hour_weekday',
        sql: `SELECT ${d.isoWeekday('x.local_day')} AS weekday, x.local_hour AS hour, COUNT(*) AS messages FROM ${this.t(T.ae)} x GROUP BY ${d.isoWeekday('x.local_day')}, x.local_hour`,
      });
    }
    if (section === 'latency') {
      const hour = `CEIL(${this.hours('x.elapsed_ms')})`;
      this.out.push({
        result: 'chart.latency_curve',
        sql: `SELECT x.${labelColumn('role')} AS role, ${hour} AS hour, COUNT(*) AS answered FROM ${this.t(T.le)} x WHERE x.answered = 1 GROUP BY x.${labelColumn('role')}, ${hour}`,
      });
    }
  }

  /** A CTE `name` with the group columns and the type-7 quantile `p` of `value` over the rows of `from` matching `where` (SPEC 2.3). */
  private quantile(g: Grouping, name: string, from: string, value: string, where: string, p: number): string {
    const { d } = this;
    const h = `CAST(COUNT(*) OVER (${g.partition}) - 1 AS ${d.double}) * ${this.num(p)}`;
    return `${name}_r AS (SELECT ${g.select('x')}${value} AS v, ROW_NUMBER() OVER (${g.partition} ORDER BY ${value}) AS rn, ${h} AS h, FLOOR(${h}) AS lo FROM ${from} x WHERE ${where}),
${name} AS (SELECT ${g.select(`${name}_r`)}MAX(CASE WHEN rn = lo + 1 THEN v END) AS x_lo, MAX(CASE WHEN rn = lo + 2 THEN v END) AS x_hi, MAX(h - lo) AS frac FROM ${name}_r ${g.groupBy})`;
  }

  private quantileValue(name: string): string {
    return `${name}.x_lo + ${name}.frac * (COALESCE(${name}.x_hi, ${name}.x_lo) - ${name}.x_lo)`;
  }

  /** Milliseconds as hours, a double. */
  private hours(ms: string): string {
    return `CAST(${ms} AS ${this.d.double}) / 3600000`;
  }

  private share(x: string, n: string): string {
    return `CASE WHEN ${n} = 0 THEN NULL ELSE 100 * CAST(${x} AS ${this.d.double}) / ${n} END`;
  }

  private ratio(x: string, n: string): string {
    return `CASE WHEN ${n} = 0 THEN NULL ELSE CAST(${x} AS ${this.d.double}) / ${n} END`;
  }

  /** Weeks of a group's rates: the days of its calendar periods inside the window / 7, else the window's (SPEC 2 "Window"). */
  private weeks(g: Grouping, alias: string): { cte: string; join: string; expr: string } {
    const periods = g.dims.filter((x) => PERIOD_DIMENSIONS.has(x));
    if (periods.length === 0) {
      return { cte: '', join: `CROSS JOIN ${this.t(T.run)} wr`, expr: `(CAST(${this.d.daysBetween('wr.since_day', 'wr.until_day')} + 1 AS ${this.d.double}) / 7)` };
    }
    const periodGrouping = new Grouping(periods);
    const cte = `, period_days AS (SELECT ${periods.map((p) => `${this.labelExpr(p, 'category')} AS ${labelColumn(p)}`).join(', ')} FROM ${this.t(T.days)} e),
period_weeks AS (SELECT ${periodGrouping.select('period_days')}CAST(COUNT(*) AS ${this.d.double}) / 7 AS weeks FROM period_days ${periodGrouping.groupBy})`;
    return { cte, join: `LEFT JOIN period_weeks pw ON ${periodGrouping.on(alias, 'pw')}`, expr: 'COALESCE(pw.weeks, 0)' };
  }

  private volume(g: Grouping): string {
    const ve = this.t(T.ve);
    return `WITH base AS (SELECT ${g.select('x')}SUM(CASE WHEN x.sender_type = 'clinician' THEN 1 ELSE 0 END) AS sent, SUM(CASE WHEN x.sender_type = 'patient' THEN 1 ELSE 0 END) AS patient_messages,
  COUNT(DISTINCT x.patient_id) AS patients, COUNT(DISTINCT x.thread_id) AS threads FROM ${ve} x ${g.groupBy}),
per AS (SELECT ${g.select('x')}x.sender_id, COUNT(*) AS n FROM ${ve} x WHERE x.sender_type = 'clinician' ${g.groupByAnd('x', 'x.sender_id')}),
${this.quantile(g, 'med', 'per', 'x.n', '1 = 1', 0.5)},
stats AS (SELECT ${g.select('x')}COUNT(*) AS clinicians, AVG(CAST(x.n AS ${this.d.double})) AS mean_n FROM per x ${g.groupBy}),
total AS (SELECT COUNT(*) AS all_sent FROM ${ve} WHERE sender_type = 'clinician')
SELECT ${g.output('b')}COALESCE(st.clinicians, 0) AS clinicians, b.sent AS messages_sent, ${this.share('b.sent', 't.all_sent')} AS pct_of_clinician_messages,
  st.mean_n AS mean_per_clinician, ${this.quantileValue('med')} AS median_per_clinician, b.patient_messages, b.patients, b.threads
FROM base b LEFT JOIN stats st ON ${g.on('b', 'st')} LEFT JOIN med ON ${g.on('b', 'med')} CROSS JOIN total t
${g.orderBy('b')}`;
  }

  /** Attribute columns of a clinician view (SPEC 2.1): role, department, care_setting, each only when not itself a dimension. */
  private attributeNames(g: Grouping): string[] {
    return g.dims.includes('clinician') ? clinicianAttributeColumns([...g.dims]).map((c) => c.name) : [];
  }

  private attributes(g: Grouping): string {
    return this.attributeNames(g)
      .map((a) => `${a}_cl.${a} AS ${a}, `)
      .join('');
  }

  private attributeJoins(g: Grouping, alias: string): string {
    return this.attributeNames(g)
      .map((a) => `LEFT JOIN (SELECT id, COALESCE(${a}, 'unknown') AS ${a} FROM ${this.t(T.c)}) ${a}_cl ON ${a}_cl.id = ${alias}.${labelColumn('clinician')}`)
      .join('\n');
  }

  private volumeByClinician(g: Grouping): string {
    const ve = this.t(T.ve);
    const hasRecipient = `(SELECT with_recipient FROM ${this.t(T.run)})`;
    return `WITH base AS (SELECT ${g.select('x')}SUM(CASE WHEN x.sender_type = 'clinician' THEN 1 ELSE 0 END) AS sent,
  SUM(CASE WHEN x.sender_type = 'patient' AND x.recipient_known = 1 THEN 1 ELSE 0 END) AS received,
  COUNT(DISTINCT x.thread_id) AS threads, COUNT(DISTINCT x.patient_id) AS patients,
  COUNT(DISTINCT CASE WHEN x.sender_type = 'clinician' THEN x.local_day END) AS active_days FROM ${ve} x ${g.groupBy})
SELECT ${g.output('b')}${this.attributes(g)}b.sent AS messages_sent, CASE WHEN ${hasRecipient} = 0 THEN NULL ELSE b.received END AS messages_received, b.threads, b.patients, b.active_days,
  ${this.ratio('b.sent', 'b.active_days')} AS messages_per_active_day, CAST(NULL AS ${this.d.double}) AS messages_per_fte_week
FROM base b ${this.attributeJoins(g, 'b')}
${g.orderBy('b')}`;
  }

  private afterHours(g: Grouping): string {
    const ae = this.t(T.ae);
    const weeks = this.weeks(g, 'b');
    const clinicianView = g.dims.includes('clinician');
    return `WITH base AS (SELECT ${g.select('x')}COUNT(DISTINCT x.sender_id) AS clinicians, COUNT(*) AS sent, SUM(x.after_hours) AS after_hours_messages, SUM(x.evening) AS evening_messages FROM ${ae} x ${g.groupBy}),
days AS (SELECT ${g.select('y')}COUNT(*) AS after_hours_days FROM (SELECT DISTINCT ${g.select('x')}x.sender_id, x.local_day FROM ${ae} x WHERE x.after_hours = 1) y ${g.groupBy}),
minutes AS (SELECT ${g.select('x')}SUM(x.minutes) AS minutes FROM ${this.t(T.sess)} x ${g.groupBy})${weeks.cte}
SELECT ${g.output('b')}${this.attributes(g)}${clinicianView ? '' : 'b.clinicians, '}b.sent AS messages_sent, b.after_hours_messages, ${this.share('b.after_hours_messages', 'b.sent')} AS pct_after_hours,
  b.evening_messages, ${this.share('b.evening_messages', 'b.sent')} AS pct_evening, COALESCE(dy.after_hours_days, 0) AS after_hours_days,
  COALESCE(mn.minutes, 0) AS est_after_hours_minutes,
  CASE WHEN b.clinicians * ${weeks.expr} = 0 THEN NULL ELSE COALESCE(mn.minutes, 0) / (b.clinicians * ${weeks.expr}) END AS est_after_hours_minutes_per_clinician_week
FROM base b LEFT JOIN days dy ON ${g.on('b', 'dy')} LEFT JOIN minutes mn ON ${g.on('b', 'mn')} ${this.attributeJoins(g, 'b')} ${weeks.join}
${g.orderBy('b')}`;
  }

  private latency(g: Grouping): string {
    const { o, d } = this;
    const le = this.t(T.le);
    const within = o.metric.within;
    const largest = Math.max(...within.map((b) => b.ms));
    const businessBound = 2 * (o.workHours.end - o.workHours.start) * 60_000;
    const tolerance = Math.sqrt(Number.EPSILON);
    return `WITH base AS (SELECT ${g.select('x')}COUNT(*) AS index_messages, SUM(x.answered) AS answered,
  ${within.map((b, k) => `SUM(CASE WHEN x.answered = 1 AND x.elapsed_ms <= ${b.ms} THEN 1 ELSE 0 END) AS within_${k}, `).join('')}
  SUM(CASE WHEN x.answered = 1 AND x.business_ms <= ${businessBound} THEN 1 ELSE 0 END) AS within_business,
  SUM(CASE WHEN x.answered = 0 AND x.follow_ms < ${largest} THEN 1 ELSE 0 END) AS pending,
  AVG(CASE WHEN x.answered = 1 THEN ${this.hours('x.elapsed_ms')} END) AS mean_hours FROM ${le} x ${g.groupBy}),
${this.quantile(g, 'q50', le, this.hours('x.elapsed_ms'), 'x.answered = 1', 0.5)},
${this.quantile(g, 'q90', le, this.hours('x.elapsed_ms'), 'x.answered = 1', 0.9)},
${this.quantile(g, 'qb', le, this.hours('x.business_ms'), 'x.answered = 1', 0.5)},
km_t AS (SELECT ${g.select('x')}CASE WHEN x.answered = 1 THEN x.elapsed_ms ELSE x.follow_ms END AS t, SUM(x.answered) AS d, COUNT(*) AS n_t FROM ${le} x
  ${g.groupByAnd('x', 'CASE WHEN x.answered = 1 THEN x.elapsed_ms ELSE x.follow_ms END')}),
km_n AS (SELECT y.*, SUM(y.n_t) OVER (${g.partitionOf('y')} ORDER BY y.t DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS at_risk FROM km_t y),
km_s AS (SELECT z.*, CASE WHEN SUM(CASE WHEN z.d = z.at_risk THEN 1 ELSE 0 END) OVER (${g.partitionOf('z')} ORDER BY z.t ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) > 0 THEN 0
    ELSE EXP(SUM(CASE WHEN z.d = z.at_risk THEN 0 ELSE ${d.ln(`CAST(z.at_risk - z.d AS ${d.double}) / z.at_risk`)} END) OVER (${g.partitionOf('z')} ORDER BY z.t ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) END AS s
  FROM km_n z WHERE z.d > 0),
km_w AS (SELECT ${g.select('x')}${within.map((b, k) => `MIN(CASE WHEN x.t <= ${b.ms} THEN x.s END) AS s_${k}`).join(', ')} FROM km_s x ${g.groupBy}),
km_a AS (SELECT ${g.select('x')}MIN(x.t) AS ti FROM km_s x WHERE x.s < 0.5 + ${tolerance} ${g.groupBy}),
km_b AS (SELECT ${g.select('a')}a.ti, s.s AS si FROM km_a a JOIN km_s s ON ${g.on('a', 's')} AND s.t = a.ti),
km_m AS (SELECT ${g.select('b')}b.ti, b.si, MIN(s.t) AS tj FROM km_b b LEFT JOIN km_s s ON ${g.on('b', 's')} AND s.t > b.ti AND s.s < b.si - ${tolerance}
  ${g.groupByAnd('b', 'b.ti', 'b.si')})
SELECT ${g.output('b')}b.index_messages, b.answered, b.index_messages - b.answered AS unanswered,
  ${this.quantileValue('q50')} AS median_hours, ${this.quantileValue('q90')} AS p90_hours, b.mean_hours,
  ${within.map((w, k) => `${this.share(`b.within_${k}`, 'b.index_messages')} AS pct_within_${w.label}, `).join('')}
  ${this.quantileValue('qb')} AS median_business_hours, ${this.share('b.within_business', 'b.index_messages')} AS pct_within_2_business_days,
  b.pending,
  CASE WHEN km.ti IS NULL THEN NULL WHEN ABS(km.si - 0.5) < ${tolerance} AND km.tj IS NOT NULL THEN (${this.hours('km.ti')} + ${this.hours('km.tj')}) / 2 ELSE ${this.hours('km.ti')} END AS km_median_hours,
  ${within.map((w, k) => `100 * (1 - COALESCE(kw.s_${k}, 1)) AS km_pct_within_${w.label}`).join(', ')}
FROM base b LEFT JOIN q50 ON ${g.on('b', 'q50')} LEFT JOIN q90 ON ${g.on('b', 'q90')} LEFT JOIN qb ON ${g.on('b', 'qb')}
  LEFT JOIN km_w kw ON ${g.on('b', 'kw')} LEFT JOIN km_m km ON ${g.on('b', 'km')}
${g.orderBy('b')}`;
  }

  private rounds(g: Grouping): string {
    const { d } = this;
    const re = this.t(T.re);
    const hist = [0, 1, 2, 3, 4].map((k) => `SUM(CASE WHEN x.rounds = ${k} THEN 1 ELSE 0 END) AS rounds_${k}, `).join('');
    return `WITH base AS (SELECT ${g.select('x')}COUNT(*) AS threads, SUM(x.messages) AS messages, AVG(CAST(x.rounds AS ${d.double})) AS mean_rounds,
  SUM(CASE WHEN x.rounds <= 4 THEN 1 ELSE 0 END) AS le4, ${hist}SUM(CASE WHEN x.rounds >= 5 THEN 1 ELSE 0 END) AS rounds_5_plus FROM ${re} x ${g.groupBy}),
${this.quantile(g, 'qr', re, `CAST(x.rounds AS ${d.double})`, '1 = 1', 0.5)},
${this.quantile(g, 'qd', re, this.hours('x.duration_ms'), '1 = 1', 0.5)}
SELECT ${g.output('b')}b.threads, b.messages, b.mean_rounds, ${this.quantileValue('qr')} AS median_rounds, ${this.share('b.le4', 'b.threads')} AS pct_le_4_rounds,
  b.rounds_0, b.rounds_1, b.rounds_2, b.rounds_3, b.rounds_4, b.rounds_5_plus, ${this.quantileValue('qd')} AS median_duration_hours
FROM base b LEFT JOIN qr ON ${g.on('b', 'qr')} LEFT JOIN qd ON ${g.on('b', 'qd')}
${g.orderBy('b')}`;
  }
}

/** The group columns of one result set, in the forms a query needs them. */
class Grouping {
  constructor(readonly dims: readonly Dimension[]) {}

  columns(alias: string): string[] {
    return this.dims.map((d) => `${alias}.${labelColumn(d)}`);
  }

  /** `x.g_role, x.g_category, ` (with the trailing comma) or nothing. */
  select(alias: string): string {
    return this.dims.map((d) => `${alias}.${labelColumn(d)} AS ${labelColumn(d)}, `).join('');
  }

  /** The group columns under their CSV names. */
  output(alias: string): string {
    return this.dims.map((d) => `${alias}.${labelColumn(d)} AS ${groupColumn(d)}, `).join('');
  }

  /** GROUP BY the group columns of `alias` and further expressions. */
  groupByAnd(alias: string, ...more: string[]): string {
    return `GROUP BY ${[...this.columns(alias), ...more].join(', ')}`;
  }

  get groupBy(): string {
    return this.dims.length ? `GROUP BY ${this.dims.map(labelColumn).join(', ')}` : '';
  }

  get partition(): string {
    return this.partitionOf('x');
  }

  partitionOf(alias: string): string {
    return this.dims.length ? `PARTITION BY ${this.columns(alias).join(', ')}` : '';
  }

  on(a: string, b: string): string {
    return this.dims.length ? this.dims.map((d) => `${a}.${labelColumn(d)} = ${b}.${labelColumn(d)}`).join(' AND ') : '1 = 1';
  }

  orderBy(alias: string): string {
    return this.dims.length ? `ORDER BY ${this.columns(alias).join(', ')}` : '';
  }
}
