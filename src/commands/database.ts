import { InputError, UsageError } from '../errors.js';
import { percent, type MetricSettings } from '../metrics/context.js';
import { compareGroupLabels, groupColumn, type Dimension } from '../model/groups.js';
import { safeLabel } from '../model/labels.js';
import { formatDay } from '../model/zone.js';
import { optionString, type Format, type InputSettings, type RawOptions } from '../options.js';
import { hourChart } from '../output/chart.js';
import { startChartRenderer } from '../output/charts.js';
import { pseudonym } from '../output/privacy.js';
import type { Report, Row, Section } from '../output/report.js';
import { generateSql } from '../sql/generate.js';
import { parseDatabase, runScript } from '../sql/run.js';
import { sqlOptions } from '../sql/settings.js';
import { plural, thousands, timeHeaderLines } from './context.js';
import {
  chartData,
  definitionSettings,
  finishSections,
  highlights,
  outputPlan,
  SECTION_NAMES,
  sectionFrom,
  SECTIONS,
  sectionName,
  suppressionSettings,
  withCharts,
  type ChartSource,
  type PrivacySettings,
  type SectionName,
} from './metrics.js';

/** The facts the script's `run` result set reports: the window, follow-up and row counts. */
interface RunFacts {
  first_day: number;
  last_day: number;
  since_day: number;
  until_day: number;
  as_of_ms: number;
  messages: number;
  rows_read: number;
  system_messages: number;
  after_as_of: number;
  outside_window: number;
}

/**
 * `report --db URL --table NAME` (SPEC 7): the script of `msgwork sql` run in
 * the database, its result sets made into the sections every writer takes —
 * labels made safe to show, clinician ids pseudonymised when asked, rows in
 * the in-memory engine's order, --min-cell applied to the tables together.
 */
export async function databaseReport(
  raw: RawOptions,
  settings: InputSettings,
  format: Format,
  metric: MetricSettings,
  privacy: PrivacySettings,
  dims: Dimension[],
  names: readonly SectionName[],
): Promise<Report> {
  if (settings.files.length > 0) throw new UsageError('--db reads the messages from the database: give either files or --db, not both');
  const db = parseDatabase(optionString(raw, 'db')!);
  const table = optionString(raw, 'table') ?? '';
  const plan = outputPlan(format, names, dims);
  const views = [...new Map(plan.tables.map((t) => [t.dims.join(','), t.dims])).values()];
  const sectionsComputed = SECTION_NAMES.filter((n) => plan.tables.some((t) => t.name === n));
  const options = await sqlOptions(settings, metric, db.dialect, table, sectionsComputed, views);
  const results = await runScript(db, generateSql({ ...options, charts: format === 'html' || format === 'table' }));
  const run = results.get('run')![0]! as unknown as RunFacts;
  if (!run.messages) throw new InputError(`--db ${db.shown}: no usable rows in ${table} (patient or clinician messages with their ids and a sent_at from 1990 to 2099)`);
  if (run.messages === run.outside_window) {
    throw new InputError(`no usable rows in ${table}: none of the ${run.messages} messages is dated ${formatDay(run.since_day)} to ${formatDay(run.until_day)} (the table runs from ${formatDay(run.first_day)} to ${formatDay(run.last_day)})`);
  }
  const window = { since: run.since_day, until: run.until_day };
  const context = { settings: metric, ...window };
  const label = (column: string, value: unknown): Row[string] => {
    if (typeof value !== 'string') return (value ?? null) as Row[string];
    if (column === 'clinician_id' && privacy.pseudonymize && value !== 'unattributed') return pseudonym(value, privacy.pseudonymize);
    return safeLabel(value);
  };
  const labelled = (r: Row): Row => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, label(k, v)]));
  const grid = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  for (const r of results.get('chart.hour_weekday') ?? []) grid[Number(r.weekday) - 1]![Number(r.hour)] = Number(r.messages);
  const computed = plan.tables.map(({ name, dims: view, chart }) => {
    const columns = SECTIONS[name].columns(metric, view);
    const rows = (results.get(sectionName(name, view)) ?? []).map((r) => Object.fromEntries(columns.map((c) => [c.name, label(c.name, r[c.name])])));
    const groupNames = view.map(groupColumn);
    rows.sort((a, b) => compareGroupLabels(view, groupNames.map((n) => String(a[n])), groupNames.map((n) => String(b[n]))));
    const totalRow = (name === 'volume' && view.includes('clinician') ? results.get('volume.total.clinician') : (results.get(name) ?? results.get(`${name}.total`)))?.[0];
    return sectionFrom(context, name, view, { columns, rows, total: totalRow && labelled(totalRow) }, chart ? hourChart(grid, settings.workHours, settings.workDays) : undefined);
  });
  const source = (all: readonly Section[]): ChartSource => ({
    settings: metric,
    ...window,
    weeks: (window.until - window.since + 1) / 7,
    minCell: privacy.minCell,
    window: { hours: settings.workHours, days: settings.workDays },
    section: (name, view) => all.find((s) => s.name === sectionName(name, view))!,
    hourWeekday: () => grid,
    latencyCurve: (maxHours) => latencyCurve(results, maxHours),
  });
  const { all, sections, suppression } = finishSections(plan, computed, privacy.minCell, source);
  return {
    title: names.length > 1 ? 'msgwork report: clinician messaging workload' : `msgwork ${names[0]}`,
    settings: {
      inputs: [{ name: `${db.shown} ${table}`, rows: run.rows_read, used: run.messages + run.after_as_of }],
      database: db.shown,
      table,
      engine: `${db.dialect} (msgwork sql --dialect ${db.dialect})`,
      ...definitionSettings(settings, metric, dims, window, run.as_of_ms),
      rows: { read: run.rows_read, used: run.messages, system_messages: run.system_messages, outside_window: run.outside_window, after_as_of: run.after_as_of },
      pseudonymized: privacy.pseudonymize !== undefined,
      min_cell: privacy.minCell ?? null,
      ...suppressionSettings(suppression),
    },
    header: [
      `input: table ${table} in ${db.shown} (computed by the database: msgwork sql --dialect ${db.dialect})`,
      ...timeHeaderLines(settings, window, run.as_of_ms, options.holidays),
      `rows: ${thousands(run.rows_read)} in the table, ${thousands(run.messages)} used` +
        (run.system_messages ? `, ${plural(run.system_messages, 'system message')} excluded` : '') +
        (run.outside_window ? `, ${plural(run.outside_window, 'message')} outside the window (read for threads and replies)` : '') +
        (run.after_as_of ? `, ${plural(run.after_as_of, 'message')} after --as-of left out` : ''),
    ],
    sections,
    ...(format === 'html' ? withCharts(chartData(source(all)), startChartRenderer(), highlights(source(all))) : {}),
  };
}

/**
 * Per role (display order): the share of its index messages answered within
 * 0 … maxHours whole hours, as answeredCurve computes it in memory, from the
 * script's unprotected `latency.by_role` and `chart.latency_curve` (the curve
 * is drawn only without --min-cell).
 */
function latencyCurve(results: Map<string, Row[]>, maxHours: number): Row[] {
  const totals = (results.get('latency.by_role') ?? []).map((r) => ({ role: safeLabel(String(r.role)), index: Number(r.index_messages) }));
  totals.sort((a, b) => compareGroupLabels(['role'], [a.role], [b.role]));
  const byRole = new Map<string, number[]>();
  for (const r of results.get('chart.latency_curve') ?? []) {
    const hour = Number(r.hour);
    if (hour > maxHours) continue;
    const role = safeLabel(String(r.role));
    if (!byRole.has(role)) byRole.set(role, new Array<number>(maxHours + 1).fill(0));
    byRole.get(role)![hour] = Number(r.answered);
  }
  const rows: Row[] = [];
  for (const { role, index } of totals) {
    let answered = 0;
    for (let h = 0; h <= maxHours; h++) {
      answered += byRole.get(role)?.[h] ?? 0;
      rows.push({ role, hours: h, pct_answered: percent(answered, index) });
    }
  }
  return rows;
}
