import { Command } from 'commander';
import { afterHours, afterHoursColumns, hourWeekdayCounts } from '../metrics/after-hours.js';
import { groupColumns, parseWithin, partialPeriods, periodDaysInWindow, remember, withIntervals, type MetricContext, type MetricSettings, type MetricTable } from '../metrics/context.js';
import { answeredCurve, latency, latencyColumns } from '../metrics/latency.js';
import { ROUNDS_COLUMNS, rounds } from '../metrics/rounds.js';
import { volume, volumeColumns } from '../metrics/volume.js';
import { parseTimeRange, type TimeRange } from '../model/calendar.js';
import { parseBy, type Dimension } from '../model/groups.js';
import { buildThreads, type ThreadOrder } from '../model/threads.js';
import { WorkClock } from '../model/worktime.js';
import { formatDay } from '../model/zone.js';
import { addOptions, numberOption, optionString, type Format, type InputSettings, type RawOptions } from '../options.js';
import { hourChart } from '../output/chart.js';
import { pseudonym } from '../output/privacy.js';
import { startChartRenderer, type ChartRenderer } from '../output/charts.js';
import { protectGrid, suppressSections, type SuppressionSummary } from '../output/suppression.js';
import { UsageError } from '../errors.js';
import { REFERENCE } from '../metrics/reference.js';
import { zForLevel } from '../metrics/survival.js';
import type { ColumnSpec, Highlight, Report, Row, Section } from '../output/report.js';
import type { ChartData, HoursData, SpreadPoint, TrendPoint } from '../output/vega-charts.js';
import { analyse, emit, headerLines, prepare, skippedSummary, type Analysis } from './context.js';
import { SectionWorker } from './parallel-sections.js';

/** The four sections of SPEC 2, by their command and CSV section names. */
export const SECTION_NAMES = ['volume', 'after-hours', 'latency', 'rounds'] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

interface SectionDefinition {
  title: string;
  compute: (context: MetricContext, dims: Dimension[]) => MetricTable;
  /** The section's columns for these settings (known before any data is read). */
  columns: (settings: MetricSettings, dims: Dimension[]) => ColumnSpec[];
  definition: (context: Pick<MetricContext, 'settings'>) => string;
  notes?: (context: Pick<MetricContext, 'settings'>) => string[];
}

const clock = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

export const SECTIONS: Record<SectionName, SectionDefinition> = {
  volume: {
    title: 'Volume',
    compute: volume,
    columns: (settings, dims) => withIntervals(volumeColumns(dims), settings.ciLevel),
    definition: () =>
      'Clinician messages sent, by sender; patient messages count for the clinician they are attributed to (recipient, else replier).',
  },
  'after-hours': {
    title: 'After hours ("pajama time")',
    compute: afterHours,
    columns: (settings, dims) => withIntervals(afterHoursColumns(dims), settings.ciLevel),
    definition: (c) =>
      `Clinician messages sent outside the work window, and in the evening band ${clock(c.settings.evening.start)}-${clock(c.settings.evening.end)} on any day.`,
    notes: (c) => [
      `est_after_hours_minutes is an estimate from send times, not measured time: sessions of after-hours messages at most ${c.settings.sessionGapMinutes} min apart, each lasting first to last message + ${c.settings.minutesPerMessage} min.`,
    ],
  },
  latency: {
    title: 'Response latency',
    compute: latency,
    columns: (settings, dims) => withIntervals(groupColumns(dims).concat(latencyColumns(settings.within)), settings.ciLevel),
    definition: (c) =>
      `Hours from a patient's ${c.settings.latencyIndex === 'each' ? 'message' : 'first message in a run'} to the first clinician reply in the thread; unanswered messages count as not within any bound.`,
  },
  rounds: {
    title: 'Thread rounds',
    compute: rounds,
    columns: (settings, dims) => withIntervals(groupColumns(dims).concat(ROUNDS_COLUMNS), settings.ciLevel),
    definition: () => 'Rounds per thread: patient messages followed by a clinician reply; a thread opened by a clinician does not count that opening.',
  },
};

/** A number option of minutes, at most `max`. */
function boundedOption(raw: RawOptions, key: string, flag: string, max: number): number | undefined {
  const value = numberOption(raw, key, flag, { max: Number.MAX_VALUE });
  if (value !== undefined && value > max) throw new UsageError(`${flag}: "${value}" is more than ${max} minutes (a day)`);
  return value;
}

/** Metric options, validated. */
export function metricSettings(raw: RawOptions): MetricSettings {
  const latencyIndex = optionString(raw, 'latencyIndex') ?? 'first';
  return {
    evening: parseTimeRange(optionString(raw, 'evening') ?? '17:00-19:00', '--evening'),
    sessionGapMinutes: boundedOption(raw, 'sessionGap', '--session-gap', 24 * 60) ?? 15,
    minutesPerMessage: boundedOption(raw, 'minutesPerMessage', '--minutes-per-message', 24 * 60) ?? 2,
    latencyIndex: latencyIndex === 'each' ? 'each' : 'first',
    within: parseWithin(optionString(raw, 'within')),
    ciLevel: ciLevel(raw),
  };
}

/** `--ci LEVEL`: a two-sided confidence level in percent, strictly between 50 and 100. */
function ciLevel(raw: RawOptions): number | undefined {
  const level = numberOption(raw, 'ci', '--ci');
  if (level === undefined) return undefined;
  if (!(level >= 50 && level < 100)) throw new UsageError(`--ci: "${level}" is not a confidence level in percent between 50 and 100 (e.g. 95)`);
  return level;
}

/** The analysis window (SPEC 2 "Window"): --since/--until, else the data's first to last date. */
export function analysisWindow(analysis: Analysis): { since: number; until: number } {
  return { since: analysis.since, until: analysis.until };
}

/** Privacy options of SPEC 4. */
export interface PrivacySettings {
  pseudonymize?: string | undefined;
  minCell?: number | undefined;
}

export function privacySettings(raw: RawOptions): PrivacySettings {
  const key = optionString(raw, 'pseudonymize');
  if (key !== undefined && key.length < 8) throw new UsageError('--pseudonymize: use a key of at least 8 characters (a short key is easy to guess)');
  return { pseudonymize: key, minCell: numberOption(raw, 'minCell', '--min-cell', { min: 1, integer: true, max: 1_000_000 }) };
}

/**
 * Threads, attribution and the work clock over the analysed messages.
 * `ordered`: the threads already ordered (by the section worker); their
 * equal times are settled here, in place.
 */
export function metricContext(analysis: Analysis, settings: MetricSettings, privacy: PrivacySettings = {}, ordered?: ThreadOrder): MetricContext {
  const { store, clinicians } = analysis;
  const window = analysisWindow(analysis);
  const key = privacy.pseudonymize;
  return {
    store,
    clinicians,
    ...(key ? { clinicianLabel: (id: string) => pseudonym(id, key) } : {}),
    minCell: privacy.minCell,
    threads: buildThreads(store, clinicians, ordered),
    zone: analysis.settings.zone,
    window: analysis.window,
    workClock: new WorkClock(analysis.settings.zone, analysis.window, analysis.firstDay, analysis.lastDay),
    weeks: (window.until - window.since + 1) / 7,
    since: window.since,
    until: window.until,
    inWindow: analysis.inWindow,
    asOf: analysis.asOf,
    z: settings.ciLevel === undefined ? undefined : zForLevel(settings.ciLevel),
    firstDay: analysis.firstDay,
    lastDay: analysis.lastDay,
    settings,
    memo: new Map(),
  };
}

/** One section of the report for the given dimensions (small cells suppressed with --min-cell). */
export function section(context: MetricContext, name: SectionName, dims: Dimension[], withChart: boolean): Section {
  const chart = withChart ? hourChart(hourWeekdayCounts(context), context.window.hours, context.window.days) : undefined;
  return sectionFrom(context, name, dims, SECTIONS[name].compute(context, dims), chart);
}

/**
 * A section from its figures, computed in memory or by a database (report
 * --db): title, definition, notes, and the periods only partly inside the window.
 */
export function sectionFrom(
  context: Pick<MetricContext, 'settings' | 'since' | 'until'>,
  name: SectionName,
  dims: Dimension[],
  table: { columns: ColumnSpec[]; rows: Row[]; total?: Row | undefined },
  chart?: string,
): Section {
  const definition = SECTIONS[name];
  const partial = partialPeriods(context, dims, table.rows);
  const partialNote = partial.length
    ? [`Partial periods (per-week rates use their days inside the window): ${partial.map((p) => `${p.period} (${p.days_in_window} of ${p.days} days)`).join(', ')}.`]
    : [];
  return {
    name: sectionName(name, dims),
    title: `${definition.title}${dims.length ? ` by ${dims.join(' × ')}` : ''}`,
    definition: definition.definition(context),
    columns: table.columns,
    rows: table.rows,
    ...(table.total ? { total: table.total } : {}),
    notes: [...(definition.notes?.(context) ?? []), ...partialNote],
    ...(partial.length ? { partialPeriods: partial } : {}),
    ...(chart !== undefined ? { chart } : {}),
  };
}

/**
 * The sections of one output with --min-cell applied to all of them at
 * once (SPEC 4: no hidden count can be worked out from what the output
 * shows, its tables together), and what was hidden, for the settings.
 */
export function protect(sections: Section[], minCell: number | undefined): { sections: Section[]; suppression?: SuppressionSummary } {
  if (minCell === undefined) return { sections };
  const { sections: protectedSections, summary } = suppressSections(sections, minCell);
  const note = `Counts from 1 to ${minCell - 1}, figures derived from them, and the cells that would let them be worked out are suppressed (--min-cell ${minCell}).`;
  return { sections: protectedSections.map((s) => ({ ...s, notes: [...(s.notes ?? []), note], chart: undefined })), suppression: summary };
}

/** The run's settings, for JSON and the report header. */
function settingsOf(analysis: Analysis, settings: MetricSettings, dims: Dimension[], privacy: PrivacySettings): Record<string, unknown> {
  return {
    inputs: analysis.report.inputs,
    ...definitionSettings(analysis.settings, settings, dims, analysisWindow(analysis), analysis.asOf),
    rows: {
      read: analysis.report.rowsRead,
      used: analysis.report.rowsUsed,
      skipped: analysis.report.rowsSkipped,
      skipped_by_reason: Object.fromEntries(analysis.report.skipped),
      system_messages: analysis.report.systemMessages,
      outside_window: analysis.outsideWindow,
      after_as_of: analysis.report.afterAsOf,
    },
    threads: analysis.store.threadCount,
    pseudonymized: privacy.pseudonymize !== undefined,
    min_cell: privacy.minCell ?? null,
  };
}

/** The settings every run's JSON states, from files or a database: the window, follow-up, work window and definitions. */
export function definitionSettings(s: InputSettings, settings: MetricSettings, dims: Dimension[], window: { since: number; until: number }, asOf: number): Record<string, unknown> {
  return {
    preset: s.preset.name,
    roster: s.rosterFile ?? null,
    config: s.configFile ?? null,
    timezone: s.zone.name,
    window: { since: formatDay(window.since), until: formatDay(window.until), days: window.until - window.since + 1, source: s.rangeSource ?? 'dates in the data' },
    as_of: new Date(asOf).toISOString(),
    as_of_source: s.asOf === undefined ? 'the latest message' : '--as-of',
    work_hours: s.workHoursText,
    work_days: s.workDaysText,
    holidays: s.holidays ?? null,
    evening: `${clock(settings.evening.start)}-${clock(settings.evening.end)}`,
    session_gap_minutes: settings.sessionGapMinutes,
    minutes_per_message: settings.minutesPerMessage,
    latency_index: settings.latencyIndex,
    within: settings.within.map((b) => b.label),
    by: dims,
  };
}

/** What --min-cell hid, for the settings (nothing without it). */
export function suppressionSettings(suppression: SuppressionSummary | undefined): Record<string, unknown> {
  if (!suppression) return {};
  const rule = `counts from 1 to ${suppression.minCell - 1}, figures derived from them or computed over fewer than ${suppression.minCell} items, and complementary cells so that no hidden count can be worked out from this output are blank`;
  return { suppression: { min_cell: suppression.minCell, hidden_cells: suppression.hidden, small_counts: suppression.primary, complementary_counts: suppression.complementary, rule } };
}

/** The chart data, and the charts being drawn from it. */
export function withCharts(data: ChartData, renderer: ChartRenderer, figures: Highlight[]) {
  return { charts: data, renderedCharts: renderer.render(data), highlights: figures };
}

/** A section's name for a grouping: `latency`, `latency.by_role`. */
export function sectionName(name: SectionName, dims: Dimension[]): string {
  return dims.length ? `${name}.by_${dims.join('_')}` : name;
}

/** The tables the HTML charts and headline figures read. */
export const CHART_SECTIONS: [SectionName, Dimension[]][] = [
  ['volume', []],
  ['after-hours', []],
  ['latency', []],
  ['rounds', []],
  ['rounds', ['category']],
  ['volume', ['role']],
  ['volume', ['category']],
  ['latency', ['role']],
  ['after-hours', ['role']],
  ['volume', ['month']],
  ['after-hours', ['month']],
  ['latency', ['month']],
  ['after-hours', ['clinician']],
];

/** Index messages a role needs to get its own curve in the latency chart: fewer make a jagged, misleading line. */
const CURVE_MIN_INDEX_MESSAGES = 30;

/**
 * What the charts, the trend and the headline figures read (SPEC 3.3): the
 * output's (protected) sections, the window, and two tables the sections do
 * not hold — from the messages in memory, or from the database (report --db).
 */
export interface ChartSource {
  settings: MetricSettings;
  since: number;
  until: number;
  /** Weeks of the window. */
  weeks: number;
  minCell?: number | undefined;
  window: { hours: TimeRange; days: readonly boolean[] };
  /** A section the output holds (by its name), else computed now. */
  section(name: SectionName, dims: Dimension[]): Section;
  /** Clinician messages in the window by weekday (0 = Monday) × hour. */
  hourWeekday(): number[][];
  /** Per role: the share of index messages answered within each whole hour, 0 … maxHours. */
  latencyCurve(maxHours: number): Row[];
}

/** The chart source of an in-memory run. */
export function memorySource(context: MetricContext, built: readonly Section[]): ChartSource {
  return {
    settings: context.settings,
    since: context.since,
    until: context.until,
    weeks: context.weeks,
    minCell: context.minCell,
    window: context.window,
    section: (name, dims) => built.find((s) => s.name === sectionName(name, dims)) ?? section(context, name, dims, false),
    hourWeekday: () => hourWeekdayCounts(context),
    latencyCurve: (maxHours) => remember(context, curveKey(maxHours), () => answeredCurve(context, ['role'], maxHours)),
  };
}

/** The latency chart's hours: a week. */
const CURVE_HOURS = 168;

/** Where the latency curve by role is remembered (the section worker may compute it). */
const curveKey = (maxHours: number) => `latency.curve.role.${maxHours}`;

/** The data of the HTML charts (SPEC 3.3), small cells suppressed like the tables. */
export function chartData(context: ChartSource): ChartData {
  return {
    ...hoursData(context),
    latencyCurve: latencyCurve(context),
    roundsByCategory: context.section('rounds', ['category']).rows,
    ...volumeByView(context),
    trend: monthlyTrend(context),
    spread: clinicianSpread(context),
    reference: referenceFigures(context),
  };
}

/**
 * The parts of the chart data that read tables, with the tables each reads.
 * Without --min-cell (which protects the tables together) a part is final
 * once its tables are computed, so the chart worker can draw its chart while
 * the main thread computes the others (`computeTables`).
 */
export const CHART_PARTS: { tables: [SectionName, Dimension[]][]; part: (context: ChartSource) => Partial<ChartData> }[] = [
  { tables: [['volume', ['role']], ['volume', ['category']]], part: volumeByView },
  { tables: [['latency', ['role']]], part: (context) => ({ latencyCurve: latencyCurve(context) }) },
  { tables: [['rounds', ['category']]], part: (context) => ({ roundsByCategory: context.section('rounds', ['category']).rows }) },
  // Before the trend: a point per clinician, the slowest chart to draw on a large export.
  { tables: [['after-hours', ['clinician']]], part: (context) => ({ spread: clinicianSpread(context) }) },
  { tables: [['volume', ['month']], ['after-hours', ['month']], ['latency', ['month']]], part: (context) => ({ trend: monthlyTrend(context) }) },
];

function volumeByView(context: ChartSource): Pick<ChartData, 'volumeByRole' | 'volumeByCategory'> {
  return { volumeByRole: context.section('volume', ['role']).rows, volumeByCategory: context.section('volume', ['category']).rows };
}

/** The latency chart's curves: roles with enough index messages (unattributed messages have no clinician to wait on); none with --min-cell. */
function latencyCurve(context: ChartSource): Row[] {
  const curveRoles = new Set(
    context
      .section('latency', ['role'])
      .rows.filter((r) => r.role !== 'unattributed' && typeof r.index_messages === 'number' && r.index_messages >= Math.max(CURVE_MIN_INDEX_MESSAGES, context.minCell ?? 0))
      .map((r) => String(r.role)),
  );
  return context.minCell === undefined ? context.latencyCurve(CURVE_HOURS).filter((r) => curveRoles.has(String(r.role))) : [];
}

/** Our figures beside the published ones, and whether the run's bounds and evening band are the paper's. */
function referenceFigures(context: ChartSource): ChartData['reference'] {
  const number = (v: unknown) => (typeof v === 'number' ? v : null);
  const physician = context.section('after-hours', ['role']).rows.find((r) => r.role === 'physician');
  const overall = (name: SectionName) => context.section(name, []).rows[0]!;
  const lastBound = context.settings.within.find((b) => b.label === '72h') ? '72h' : undefined;
  return {
    ours: {
      within24h: number(overall('latency').pct_within_24h),
      within72h: number(overall('latency').pct_within_72h),
      km72h: lastBound ? number(overall('latency').km_pct_within_72h) : null,
      le4Rounds: number(overall('rounds').pct_le_4_rounds),
      physicianEvening: number(physician?.pct_evening),
    },
    theirs: REFERENCE,
    comparable: context.settings.within.some((b) => b.label === '24h') && lastBound !== undefined && context.settings.evening.start === 17 * 60 && context.settings.evening.end === 19 * 60,
  };
}

/** What the hour × weekday chart reads, small counts suppressed (it reads no table: it can be drawn before they are computed). */
export function hoursData(context: Pick<ChartSource, 'minCell' | 'window' | 'hourWeekday'>): HoursData {
  const grid = context.hourWeekday();
  return { hourWeekday: context.minCell === undefined ? grid : protectGrid(grid, context.minCell), workHours: context.window.hours, workDays: context.window.days };
}

/**
 * The monthly trend of the HTML report (SPEC 3.3), when the window spans two
 * months or more: messages per clinician-week, after-hours share, estimated
 * after-hours minutes per clinician-week, median hours and the Kaplan–Meier
 * share answered within 72 h; months partly inside the window are marked.
 * From the (protected) by-month tables, so --min-cell holds here too.
 */
export function monthlyTrend(context: ChartSource): TrendPoint[] {
  const volume = context.section('volume', ['month']);
  if (volume.rows.length < 2) return [];
  const after = context.section('after-hours', ['month']).rows;
  const latency = context.section('latency', ['month']).rows;
  const partial = new Set((volume.partialPeriods ?? []).map((p) => p.period));
  return volume.rows.map((v) => {
    const month = String(v.month);
    const a = after.find((r) => r.month === month), l = latency.find((r) => r.month === month);
    const weeks = periodDaysInWindow(context, ['month'], [month])!.inside / 7;
    const sent = v.messages_sent, clinicians = v.clinicians;
    return {
      month,
      partial: partial.has(month),
      messages_per_clinician_week: typeof sent === 'number' && typeof clinicians === 'number' && clinicians > 0 ? sent / clinicians / weeks : null,
      pct_after_hours: typeof a?.pct_after_hours === 'number' ? a.pct_after_hours : null,
      est_after_hours_minutes_per_clinician_week: typeof a?.est_after_hours_minutes_per_clinician_week === 'number' ? a.est_after_hours_minutes_per_clinician_week : null,
      median_hours: typeof l?.median_hours === 'number' ? l.median_hours : null,
      km_pct_within_72h: typeof l?.km_pct_within_72h === 'number' ? l.km_pct_within_72h : null,
    };
  });
}

/** The monthly trend as a table for the terminal report (not a CSV section: a reading aid). */
export function trendSection(trend: TrendPoint[]): Section {
  return {
    name: 'trend.by_month',
    title: 'Monthly trend',
    definition: 'The headline figures month by month; (partial) marks a month only partly inside the window, whose rates use its days inside.',
    columns: [
      { name: 'month', kind: 'group' },
      { name: 'messages_per_clinician_week', kind: 'number', label: 'messages per\nclinician-week' },
      { name: 'pct_after_hours', kind: 'percent', label: 'after\nhours' },
      { name: 'est_after_hours_minutes_per_clinician_week', kind: 'minutes', label: 'after-hours per\nclinician-week' },
      { name: 'median_hours', kind: 'hours', label: 'median to\nreply' },
      { name: 'km_pct_within_72h', kind: 'percent', label: 'answered ≤ 72 h\n(Kaplan–Meier)' },
    ],
    rows: trend.map((p) => ({ ...p, month: p.partial ? `${p.month} (partial)` : p.month, partial: null })),
  };
}

/** Per clinician: messages and estimated after-hours minutes per week of the window (SPEC 3.3 "the spread"). */
function clinicianSpread(context: ChartSource): SpreadPoint[] {
  // The after-hours table by clinician has each clinician's messages sent too: the volume table's
  // messages_sent (clinician messages in the window by sender), without the volume table's
  // distinct threads, patients and days, which on a large export cost more than the rest of the page.
  const out: SpreadPoint[] = [];
  for (const r of context.section('after-hours', ['clinician']).rows) {
    if (r.clinician_id === 'unattributed' || typeof r.messages_sent !== 'number' || r.messages_sent === 0) continue;
    const minutes = r.est_after_hours_minutes_per_clinician_week;
    out.push({ clinician: String(r.clinician_id), role: String(r.role ?? 'unknown'), messages_per_week: r.messages_sent / context.weeks, after_hours_minutes_per_week: typeof minutes === 'number' ? minutes : null });
  }
  return out.sort((x, y) => y.messages_per_week - x.messages_per_week);
}

/** Headline figures for the top of the HTML page. */
export function highlights(context: ChartSource): Highlight[] {
  const one = (name: SectionName) => context.section(name, []).rows[0]!;
  const number = (v: unknown, digits = 0, suffix = '') => (typeof v === 'number' ? `${v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })}${suffix}` : '—');
  const volume = one('volume'), after = one('after-hours'), latency = one('latency'), rounds = one('rounds');
  return [
    { label: 'clinician messages sent', value: number(volume.messages_sent), note: `by ${number(volume.clinicians)} clinicians` },
    { label: 'sent after hours', value: number(after.pct_after_hours, 1, '%'), note: `about ${number(after.est_after_hours_minutes_per_clinician_week, 0)} min per clinician-week from send times (see the note below)` },
    { label: 'median hours to a reply', value: number(latency.median_hours, 1), note: `${number(latency[`pct_within_${context.settings.within.at(-1)?.label}`], 1, '%')} answered within ${context.settings.within.at(-1)?.label ?? ''}` },
    { label: 'threads with at most 4 rounds', value: number(rounds.pct_le_4_rounds, 1, '%'), note: `${number(rounds.threads)} threads` },
  ];
}

/**
 * Runs a metric command: `report` (every section; overall, by role and by
 * category unless --by is given) or one section.
 */
export async function runMetrics(command: Command, files: string[], names: readonly SectionName[]): Promise<void> {
  const { raw, settings, format } = await prepare(command, files);
  if (optionString(raw, 'db') !== undefined) {
    const { databaseReport } = await import('./database.js');
    return emit(await databaseReport(raw, settings, format, metricSettings(raw), privacySettings(raw), parseBy(optionString(raw, 'by')), names), format, raw);
  }
  // Vega loads in a second thread while this one reads the messages.
  const charts = format === 'html' ? startChartRenderer() : undefined;
  const dims = parseBy(optionString(raw, 'by'));
  const metric = metricSettings(raw);
  const privacy = privacySettings(raw);
  const plan = outputPlan(format, names, dims);
  const splits = splitsInTwo(plan);
  // The section worker is started once a parallel load has read a file: its thread starts while this one merges.
  const early: { worker: SectionWorker | null } = { worker: null };
  // Once the messages are loaded, it orders the threads while this thread resolves the clinicians,
  // then computes what it can of its tables while this thread attributes the messages.
  let ordering: Promise<ThreadOrder | null> | undefined;
  const ahead = splits ? { sections: [...new Set(plan.tables.map((t) => t.name).filter((name) => WORKER_SECTIONS.has(name)))], latencyIndex: metric.latencyIndex } : undefined;
  const analysis = await analyse(settings, {
    onParallelRead: () => (early.worker ??= SectionWorker.spawn()),
    onStore: (store) => (ordering = early.worker?.orderThreads(store, ahead)),
  });
  const context = metricContext(analysis, metric, privacy, (await ordering) ?? undefined);
  charts?.drawEarly(hoursData(memorySource(context, [])));
  if (!splits) early.worker?.stop();
  const helper = splits ? (early.worker?.begin(context, privacy.pseudonymize) ?? SectionWorker.start(context, privacy.pseudonymize)) : null;
  const computed = await computeTables(context, plan, charts !== undefined && privacy.minCell === undefined ? (part) => charts.drawEarly(part) : undefined, helper);
  const { all, sections, suppression } = finishSections(plan, computed, privacy.minCell, (tables) => memorySource(context, tables));
  const report: Report = {
    title: names.length > 1 ? 'msgwork report: clinician messaging workload' : `msgwork ${names[0]}`,
    settings: { ...settingsOf(analysis, metric, dims, privacy), ...suppressionSettings(suppression) },
    header: [...headerLines(analysis), ...skippedSummary(analysis.report).slice(0, 1)],
    sections,
    ...(format === 'html' ? withCharts(chartData(memorySource(context, all)), charts!, highlights(memorySource(context, all))) : {}),
  };
  await emit(report, format, raw);
}

/**
 * The plan's tables, in plan order. With `early` (the HTML page without
 * --min-cell: each table is final once computed), each chart part is given
 * to it as soon as its tables are, and the tables only charts read are
 * computed in the order of the parts, so the chart worker draws while this
 * thread computes the rest.
 *
 * With a section worker (`parallel-sections.ts`), the worker computes the
 * latency and rounds tables (and for a page with charts the latency curve)
 * while this thread computes the others. Once the latency tables took less
 * (sortByKey carrying their figures), the worker sat idle for about 0.45 s
 * of the JSON report with latency alone; with rounds too, the JSON report
 * took 6.30–6.54 s against 6.63–6.91 s, and the HTML page the same
 * (alternating runs on the benchmark). If the worker fails, its tables are
 * computed here after all.
 */
export async function computeTables(context: MetricContext, plan: OutputPlan, early?: (part: Partial<ChartData>) => void, helper: SectionWorker | null = null): Promise<Section[]> {
  const computed: (Section | undefined)[] = plan.tables.map(() => undefined);
  const firstPart = (t: OutputPlan['tables'][number]) => {
    const k = CHART_PARTS.findIndex((p) => p.tables.some(([name, dims]) => sectionName(name, dims) === sectionName(t.name, t.dims)));
    return k < 0 ? CHART_PARTS.length : k;
  };
  const rank = plan.tables.map((t) => (plan.shown.has(sectionName(t.name, t.dims)) ? -1 : firstPart(t)));
  const order = plan.tables.map((_, i) => i).sort((a, b) => rank[a]! - rank[b]! || a - b);
  const sent = new Set<number>();
  const sendParts = () => {
    if (early === undefined) return;
    const built = computed.filter((s) => s !== undefined);
    const have = new Set(built.map((s) => s.name));
    CHART_PARTS.forEach(({ tables, part }, k) => {
      if (sent.has(k) || !tables.every(([n, d]) => have.has(sectionName(n, d)))) return;
      sent.add(k);
      early(part(memorySource(context, built)));
    });
  };
  const elsewhere = helper === null ? new Set<SectionName>() : WORKER_SECTIONS;
  const remote = order.filter((i) => elsewhere.has(plan.tables[i]!.name));
  // The page's latency chart, drawn when charts are drawn early: without --min-cell, which leaves it out.
  const curveHours = early !== undefined ? CURVE_HOURS : undefined;
  const answer = remote.length > 0 ? helper!.compute({ tables: remote.map((i) => plan.tables[i]!), curveHours }) : null;
  for (const i of order) {
    if (elsewhere.has(plan.tables[i]!.name)) continue;
    const { name, dims, chart } = plan.tables[i]!;
    computed[i] = section(context, name, dims, chart);
    sendParts();
  }
  const reply = answer === null ? null : await answer;
  if (reply !== null) {
    remote.forEach((i, k) => (computed[i] = reply.sections[k]));
    if (reply.curve !== undefined) context.memo.set(curveKey(CURVE_HOURS), reply.curve);
  } else for (const i of remote) computed[i] = section(context, plan.tables[i]!.name, plan.tables[i]!.dims, plan.tables[i]!.chart);
  sendParts();
  return computed as Section[];
}

/** The sections a section worker computes (see `computeTables`). */
const WORKER_SECTIONS = new Set<SectionName>(['latency', 'rounds']);

/** Whether the plan splits between two threads: tables for the worker and tables for this thread. */
export function splitsInTwo(plan: OutputPlan): boolean {
  return plan.tables.some((t) => WORKER_SECTIONS.has(t.name)) && plan.tables.some((t) => !WORKER_SECTIONS.has(t.name));
}

/** What one output shows and what it computes for that (SPEC 3, 3.3), from files or a database. */
export interface OutputPlan {
  /** The groupings shown: overall, by role and by category, or the --by dimensions. */
  views: Dimension[][];
  /** The terminal report ends with a compact monthly trend, as the HTML page shows one: the first question at a department meeting is whether it is getting worse. */
  withTrend: boolean;
  /** Every table to compute, in order: those shown, then those only the charts or the trend read (--min-cell protects them together). */
  tables: { name: SectionName; dims: Dimension[]; chart: boolean }[];
  shown: ReadonlySet<string>;
}

export function outputPlan(format: Format, names: readonly SectionName[], dims: Dimension[]): OutputPlan {
  const views: Dimension[][] = dims.length > 0 ? [dims] : names.length > 1 ? [[], ['role'], ['category']] : [[]];
  const withTrend = format === 'table' && names.length > 1 && dims.length === 0;
  const tables: OutputPlan['tables'] = [];
  for (const name of names) views.forEach((view, v) => tables.push({ name, dims: view, chart: format === 'table' && name === 'after-hours' && v === 0 }));
  const extra = format === 'html' ? CHART_SECTIONS : withTrend ? CHART_SECTIONS.filter(([, view]) => view[0] === 'month') : [];
  for (const [name, view] of extra) if (!tables.some((t) => sectionName(t.name, t.dims) === sectionName(name, view))) tables.push({ name, dims: view, chart: false });
  return { views, withTrend, tables, shown: new Set(names.flatMap((name) => views.map((view) => sectionName(name, view)))) };
}

/** The plan's tables protected together (--min-cell), those shown, and the monthly trend after them when the plan has one. */
export function finishSections(plan: OutputPlan, computed: Section[], minCell: number | undefined, source: (all: readonly Section[]) => ChartSource) {
  const { sections: all, suppression } = protect(computed, minCell);
  const sections = all.filter((s) => plan.shown.has(s.name));
  if (plan.withTrend) {
    const trend = monthlyTrend(source(all));
    if (trend.length >= 2) sections.push(trendSection(trend));
  }
  return { all, sections, suppression };
}

/** A metric command: its name, summary and help text; the options and the run are shared. */
export function metricCommand(name: string, summary: string, help: string, sections: readonly SectionName[]): Command {
  const command = new Command(name)
    .summary(summary)
    .argument('[files...]', 'message exports (CSV, TSV, .gz); - or none for standard input')
    .addHelpText('after', help);
  addOptions(command, ['input', 'window', 'metrics', 'output', 'pseudonym', 'privacy', 'database'], sections);
  command.action((files: string[], _options: unknown, self: Command) => runMetrics(self, files, sections));
  return command;
}
