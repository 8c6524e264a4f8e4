import { readFileSync } from 'node:fs';
import * as vega from 'vega';
import type { Config, TopLevelSpec } from 'vega-lite';
import { REFERENCE } from '../metrics/reference.js';
import type { Row } from './report.js';

/** The data behind the HTML report's charts (SPEC 3.3). */
export interface ChartData {
  /** Clinician messages, [weekday 0 = Monday][hour]; null where --min-cell hides the count. */
  hourWeekday: (number | null)[][];
  workHours: { start: number; end: number };
  workDays: readonly boolean[];
  /** Rows of role, hours, pct_answered. */
  latencyCurve: Row[];
  /** The rounds section by category (rounds_0 … rounds_5_plus). */
  roundsByCategory: Row[];
  /** The volume section by role and by category. */
  volumeByRole: Row[];
  volumeByCategory: Row[];
  /** The monthly trend (empty when the window holds fewer than two months). */
  trend: TrendPoint[];
  /** One point per clinician, most messages first. */
  spread: SpreadPoint[];
  /** Our figures beside the published ones. */
  reference: {
    ours: { within24h: number | null; within72h: number | null; km72h: number | null; le4Rounds: number | null; physicianEvening: number | null };
    theirs: { within24h: number; within72h: number; le4Rounds: number; physicianEvening: number; citation: string };
    /** Whether the run's bounds and evening band are the ones the paper used. */
    comparable: boolean;
  };
}

export interface TrendPoint {
  month: string;
  partial: boolean;
  messages_per_clinician_week: number | null;
  pct_after_hours: number | null;
  est_after_hours_minutes_per_clinician_week: number | null;
  median_hours: number | null;
  km_pct_within_72h: number | null;
}

export interface SpreadPoint {
  clinician: string;
  role: string;
  messages_per_week: number;
  after_hours_minutes_per_week: number | null;
}

export interface RenderedChart {
  id: string;
  title: string;
  caption: string;
  svg: string;
}

/** Okabe–Ito: distinguishable with the common colour-vision deficiencies. */
const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000', '#999999'];
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif';

const CONFIG: Config = {
  font: FONT,
  background: 'white',
  view: { stroke: null },
  axis: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'normal' as const, labelColor: '#333', titleColor: '#333', gridColor: '#e6e6e6', domainColor: '#888', tickColor: '#888' },
  legend: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'normal' as const },
};

/** Where each spec reads the chart's data: a named dataset the drawing fills (`view.data`). */
const VALUES = { name: 'values' };

/** A chart's SVG from its compiled spec, with `values` as the chart's rows (else the spec's own data). */
export async function svgOf(runtime: vega.Runtime, values?: readonly object[]): Promise<string> {
  const view = new vega.View(runtime, { renderer: 'none' });
  if (values !== undefined) view.data(VALUES.name, values as object[]);
  const svg = await view.toSVG();
  view.finalize();
  // Inline SVG in HTML needs no namespace declarations; keep the file free of any URL.
  return svg.replace(/ xmlns(:xlink)?="[^"]*"/g, '').replace('<svg ', '<svg role="img" ');
}

/** What the hour × weekday chart reads: it can be drawn as soon as the messages are read. */
export type HoursData = Pick<ChartData, 'hourWeekday' | 'workHours' | 'workDays'>;

/**
 * One chart of the page: what it reads of the chart data (`pick`: undefined
 * until all of that has arrived), the rows it draws from that (`values`;
 * null: not drawn, e.g. a trend of one month), and its Vega-Lite spec, which
 * reads those rows from the dataset `values` and nothing else from the data.
 * A chart reads nothing else, so it can be drawn as soon as its part is
 * known, while the main thread still computes the other tables; and its spec
 * is compiled to a Vega dataflow once, when msgwork is built
 * (`compileChartSpecs`), not in every run.
 */
export interface ChartDefinition<T> {
  id: string;
  title: string;
  caption: string;
  pick(data: Partial<ChartData>): T | undefined;
  values(input: T): object[] | null;
  spec: TopLevelSpec;
}

const chart = <T>(definition: ChartDefinition<T>): ChartDefinition<unknown> => definition as ChartDefinition<unknown>;

/**
 * Rows with `order`: the place of their `field`'s value in order of first
 * appearance, so that a legend lists the roles as the tables do (`BY_ORDER`)
 * while the spec stays the same for any data.
 *
 * @example withOrder([{ role: 'b' }, { role: 'a' }, { role: 'b' }], 'role') // orders 0, 1, 0
 */
export function withOrder<T extends object>(rows: readonly T[], field: keyof T): (T & { order: number })[] {
  const places = new Map<unknown, number>();
  return rows.map((row) => {
    if (!places.has(row[field])) places.set(row[field], places.size);
    return { ...row, order: places.get(row[field])! };
  });
}

/** A legend in order of first appearance (`withOrder`). */
const BY_ORDER = { field: 'order', op: 'min' } as const;

const hoursChart = chart({
  id: 'chart-hours',
  title: 'When clinicians send messages',
  caption: 'Clinician messages by hour of day and weekday; outlined cells are the work window.',
  pick: ({ hourWeekday, workHours, workDays }): HoursData | undefined => (hourWeekday && workHours && workDays ? { hourWeekday, workHours, workDays } : undefined),
  values(data) {
    const inWorkHours = (h: number) => h * 60 >= data.workHours.start && (h + 1) * 60 <= data.workHours.end;
    return data.hourWeekday.flatMap((row, d) => row.map((messages, hour) => ({ weekday: WEEKDAYS[d], hour, messages, work: data.workDays[d] === true && inWorkHours(hour) })));
  },
  spec: {
    config: CONFIG,
    width: 620,
    height: 230,
    data: VALUES,
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          x: { field: 'hour', type: 'ordinal', title: 'hour of day (local time)', axis: { labelAngle: 0 } },
          y: { field: 'weekday', type: 'ordinal', sort: WEEKDAYS, title: null },
          color: { field: 'messages', type: 'quantitative', title: 'messages', scale: { scheme: 'viridis', reverse: true } },
        },
      },
      {
        transform: [{ filter: 'datum.work' }],
        mark: { type: 'rect', fill: null, stroke: '#111', strokeWidth: 1.2, strokeOpacity: 0.55 },
        encoding: { x: { field: 'hour', type: 'ordinal' }, y: { field: 'weekday', type: 'ordinal', sort: WEEKDAYS } },
      },
    ],
  },
});

const latencyChart = chart({
  id: 'chart-latency',
  title: 'How long patients wait',
  caption: `Share of index messages answered within each number of hours, by role (roles with at least 30 index messages; messages no clinician is attributed to are in the tables); unanswered messages keep a curve below 100 %. Diamonds: another health system's figures (${REFERENCE.citation}).`,
  pick: (data) => data.latencyCurve,
  values: (curve) => withOrder(curveSteps(curve), 'role'),
  spec: {
    config: CONFIG,
    width: 560,
    height: 300,
    layer: [
      {
        data: VALUES,
        mark: { type: 'line', strokeWidth: 2, interpolate: 'step-after' },
        encoding: {
          x: { field: 'hours', type: 'quantitative', title: 'hours since the patient wrote', scale: { domain: [0, 168] }, axis: { values: [0, 24, 48, 72, 96, 120, 144, 168] } },
          y: { field: 'pct_answered', type: 'quantitative', title: '% of index messages answered', scale: { domain: [0, 100] } },
          color: { field: 'role', type: 'nominal', title: 'role', sort: BY_ORDER, scale: { range: OKABE_ITO } },
          strokeDash: { field: 'role', type: 'nominal', sort: BY_ORDER, title: 'role' },
        },
      },
      {
        // Another health system's figures (Huang et al. 2022), as marks beside the curves, not targets.
        data: { values: [{ hours: 24, pct: REFERENCE.within24h, label: `Mayo Clinic 2022: ${REFERENCE.within24h} %` }, { hours: 72, pct: REFERENCE.within72h, label: `${REFERENCE.within72h} %` }] },
        layer: [
          { mark: { type: 'point', shape: 'diamond', size: 90, filled: true, color: '#444' }, encoding: { x: { field: 'hours', type: 'quantitative' }, y: { field: 'pct', type: 'quantitative' } } },
          { mark: { type: 'text', align: 'left', dx: 8, dy: 12, color: '#444', fontSize: 11 }, encoding: { x: { field: 'hours', type: 'quantitative' }, y: { field: 'pct', type: 'quantitative' }, text: { field: 'label' } } },
        ],
      },
      {
        data: { values: [{ hours: 24, label: '24 h' }, { hours: 72, label: '72 h' }] },
        layer: [
          { mark: { type: 'rule', color: '#555', strokeDash: [2, 3] }, encoding: { x: { field: 'hours', type: 'quantitative' } } },
          { mark: { type: 'text', align: 'left', dx: 4, dy: -4, color: '#333', fontSize: 12 }, encoding: { x: { field: 'hours', type: 'quantitative' }, y: { datum: 100 }, text: { field: 'label' } } },
        ],
      },
    ],
  },
});

/**
 * The points of step curves that a step-after line needs: each role's first
 * point, each point where its value changes, and its last point (the line
 * runs on to it). The line drawn is the same as from every point; Vega draws
 * it from a third to half as many (on the samples 573 of 1,352).
 *
 * @example curveSteps([{role:'a',hours:0,pct_answered:0},{role:'a',hours:1,pct_answered:0},{role:'a',hours:2,pct_answered:5},{role:'a',hours:3,pct_answered:5}]) // hours 0, 2, 3
 */
export function curveSteps(curve: readonly Row[]): Row[] {
  return curve.filter((r, k) => {
    const before = curve[k - 1], after = curve[k + 1];
    return before === undefined || before.role !== r.role || before.pct_answered !== r.pct_answered || after === undefined || after.role !== r.role;
  });
}

const ROUND_BUCKETS = ['0', '1', '2', '3', '4', '5+'];

const roundsChart = chart({
  id: 'chart-rounds',
  title: 'Back-and-forth by task',
  caption: 'Rounds per thread by task category (a round is a patient message answered by a clinician).',
  pick: (data) => data.roundsByCategory,
  // A count --min-cell hid is left out, not drawn as 0.
  values: (roundsByCategory) =>
    roundsByCategory.flatMap((row, place) =>
      ROUND_BUCKETS.map((b, k) => ({ category: row.category, category_order: place, rounds: b, order: k, threads: row[k === 5 ? 'rounds_5_plus' : `rounds_${k}`] ?? null })).filter((v) => v.threads !== null),
    ),
  spec: {
    config: CONFIG,
    width: 560,
    height: { step: 26 },
    data: VALUES,
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'category', type: 'nominal', title: null, sort: { field: 'category_order', op: 'min' } },
      x: { field: 'threads', type: 'quantitative', stack: 'normalize', title: 'share of threads', axis: { format: '%' } },
      color: { field: 'rounds', type: 'ordinal', title: 'rounds', sort: ROUND_BUCKETS, scale: { scheme: 'blues' } },
      order: { field: 'order' },
    },
  },
});

const volumeChart = chart({
  id: 'chart-volume',
  title: 'Volume',
  caption: "Clinician messages sent and patient messages, by role (the sender's, or the clinician a patient message is attributed to) and by task category.",
  pick: ({ volumeByRole, volumeByCategory }) => (volumeByRole && volumeByCategory ? { volumeByRole, volumeByCategory } : undefined),
  values: ({ volumeByRole, volumeByCategory }) => [
      ...volumeByRole.flatMap((r) => [
        { view: 'by role', group: r.role, kind: 'clinician messages sent', messages: r.messages_sent },
        { view: 'by role', group: r.role, kind: 'patient messages', messages: r.patient_messages },
      ]),
      ...volumeByCategory.flatMap((r) => [
        { view: 'by category', group: r.category, kind: 'clinician messages sent', messages: r.messages_sent },
        { view: 'by category', group: r.category, kind: 'patient messages', messages: r.patient_messages },
      ]),
  ],
  spec: {
    config: CONFIG,
    data: VALUES,
    facet: { row: { field: 'view', type: 'nominal', title: null, header: { labelFontSize: 13, labelAngle: 0, labelAlign: 'left', labelAnchor: 'start', labelOrient: 'top' }, sort: ['by role', 'by category'] } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 500,
      height: { step: 20 },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'group', type: 'nominal', title: null, sort: null },
        x: { field: 'messages', type: 'quantitative', title: 'messages', stack: 'zero' },
        color: { field: 'kind', type: 'nominal', title: null, scale: { range: [OKABE_ITO[0]!, OKABE_ITO[1]!] }, legend: { orient: 'bottom', labelLimit: 300 } },
      },
    },
  },
});

const TREND_MEASURES: [keyof TrendPoint, string][] = [
  ['messages_per_clinician_week', 'messages / clinician-week'],
  ['pct_after_hours', '% sent after hours'],
  ['est_after_hours_minutes_per_clinician_week', 'after-hours min / clinician-week'],
  ['median_hours', 'median hours to reply'],
  ['km_pct_within_72h', '% answered ≤ 72 h (KM)'],
];

const trendChart = chart({
  id: 'chart-trend',
  title: 'Is it getting worse? The trend by month',
  caption: 'Each figure by calendar month of the window; a hollow triangle marks a month only partly inside the window (its rates use the days inside).',
  pick: (data) => data.trend,
  values: (trend) =>
    trend.length < 2
      ? null
      : trend.flatMap((p) => TREND_MEASURES.filter(([key]) => p[key] !== null).map(([key, title]) => ({ month: p.month, measure: title, value: p[key], status: p.partial ? 'partial month' : 'whole month' }))),
  spec: {
    config: CONFIG,
    data: VALUES,
    facet: { field: 'measure', type: 'nominal', title: null, sort: TREND_MEASURES.map(([, t]) => t), header: { labelFontSize: 13, labelLimit: 0 } },
    columns: 3,
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 230,
      height: 130,
      layer: [
        { mark: { type: 'line', color: OKABE_ITO[0] }, encoding: { x: { field: 'month', type: 'ordinal', title: null, axis: { labelAngle: -40 } }, y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } } } },
        {
          mark: { type: 'point', size: 60, color: OKABE_ITO[0] },
          encoding: {
            x: { field: 'month', type: 'ordinal' },
            y: { field: 'value', type: 'quantitative' },
            shape: { field: 'status', type: 'nominal', title: null, scale: { domain: ['whole month', 'partial month'], range: ['circle', 'triangle-up'] } },
            fill: { field: 'status', type: 'nominal', title: null, scale: { domain: ['whole month', 'partial month'], range: [OKABE_ITO[0]!, 'white'] } },
          },
        },
      ],
    },
  },
});

const spreadChart = chart({
  id: 'chart-spread',
  title: 'Who carries the load',
  caption: 'One point per clinician: messages sent and estimated after-hours minutes, per week of the window.',
  pick: (data) => data.spread,
  values(spread) {
    const values = spread.filter((p) => p.after_hours_minutes_per_week !== null);
    return values.length === 0 ? null : withOrder(values, 'role');
  },
  spec: {
    config: CONFIG,
    width: 560,
    height: 300,
    data: VALUES,
    // No label per point: thousands of "clinician_id …" labels help no screen reader (the figure is one
    // image with its caption, the ten-clinician table gives the figures) and were half of a large
    // page (the benchmark's spread: 3.8 MB of SVG → 2.0 MB, drawn in 163 ms instead of 244).
    mark: { type: 'point', filled: true, size: 55, opacity: 0.8, aria: false },
    encoding: {
      x: { field: 'messages_per_week', type: 'quantitative', title: 'messages sent per week' },
      y: { field: 'after_hours_minutes_per_week', type: 'quantitative', title: 'est. after-hours minutes per week' },
      color: { field: 'role', type: 'nominal', title: 'role', sort: BY_ORDER, scale: { range: OKABE_ITO } },
      shape: { field: 'role', type: 'nominal', title: 'role', sort: BY_ORDER },
    },
  },
});

/** The charts of SPEC 3.3 in page order. */
const CHARTS = [trendChart, hoursChart, latencyChart, roundsChart, volumeChart, spreadChart];

/** The charts' definitions, for tests. */
export const CHART_DEFINITIONS: readonly Readonly<ChartDefinition<unknown>>[] = CHARTS;

/**
 * Each chart's Vega-Lite spec compiled to a Vega dataflow (`vega.parse`), by
 * chart id. The build writes this beside the bundle (`chart-specs.json`,
 * scripts/bundle.mjs), so that a run neither loads Vega-Lite nor compiles a
 * spec: on the samples that halves the chart worker's drawing.
 */
export async function compileChartSpecs(): Promise<Record<string, vega.Runtime>> {
  const { compile } = await import('vega-lite');
  return Object.fromEntries(CHARTS.map((c) => [c.id, vega.parse(compile(c.spec).spec)]));
}

/** The compiled specs as JSON text by chart id: those the build wrote, else (running from the sources) compiled now. */
let compiled: Promise<Map<string, string>> | undefined;
function compiledSpecs(): Promise<Map<string, string>> {
  compiled ??= (async () => {
    let specs: Record<string, unknown>;
    try {
      specs = JSON.parse(readFileSync(new URL('./chart-specs.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    } catch {
      specs = await compileChartSpecs();
    }
    return new Map(Object.entries(specs).map(([id, runtime]) => [id, JSON.stringify(runtime)]));
  })();
  return compiled;
}

async function draw(definition: ChartDefinition<unknown>, input: unknown): Promise<RenderedChart | null> {
  const values = definition.values(input);
  if (values === null) return null;
  const runtime = (await compiledSpecs()).get(definition.id);
  if (runtime === undefined) throw new Error(`no compiled spec for ${definition.id}`);
  return { id: definition.id, title: definition.title, caption: definition.caption, svg: await svgOf(JSON.parse(runtime) as vega.Runtime, values) };
}

/**
 * Draws the charts as their data arrives, one at a time in the order it
 * arrives (issue 15, SPEC 6): the chart worker is given each part of the
 * chart data as soon as the main thread has computed the tables behind it,
 * and draws that part's charts while the main thread computes the rest.
 * `all` then puts each chart drawn early in its place when its input is the
 * same as the final data's (else draws it again): the page is the one a
 * single drawing makes.
 */
export class ChartDrawer {
  private known: Partial<ChartData> = {};
  private readonly early = new Map<string, { key: string; chart: Promise<RenderedChart | null> }>();
  private queue: Promise<unknown> = Promise.resolve();

  /** Adds part of the chart data and starts drawing each chart it completes. */
  add(part: Partial<ChartData>): void {
    this.known = { ...this.known, ...part };
    for (const definition of CHARTS) {
      if (this.early.has(definition.id)) continue;
      const input = definition.pick(this.known);
      if (input === undefined) continue;
      const chart = this.queue.then(() => draw(definition, input));
      this.queue = chart.catch(() => null);
      this.early.set(definition.id, { key: JSON.stringify(input), chart });
    }
  }

  /**
   * Draws a small volume chart and throws it away: Vega's code runs slowly the
   * first time (V8 compiles it as it goes), and the worker has nothing to draw
   * until the messages are read. A chart without a gradient, so that the
   * page's gradient ids stay those of a drawing without it.
   */
  warmUp(): void {
    const input = { volumeByRole: [{ role: 'physician', messages_sent: 3, patient_messages: 2 }], volumeByCategory: [{ category: 'prescription', messages_sent: 3, patient_messages: 2 }] };
    this.queue = this.queue.then(() => draw(volumeChart, input)).catch(() => null);
  }

  /** Every chart of the final data, in page order. */
  async all(data: ChartData): Promise<RenderedChart[]> {
    const rendered: RenderedChart[] = [];
    for (const definition of CHARTS) {
      const input = definition.pick(data);
      const early = this.early.get(definition.id);
      const chart = early !== undefined && early.key === JSON.stringify(input) ? await early.chart.catch(() => draw(definition, input)) : await draw(definition, input);
      if (chart !== null) rendered.push(chart);
    }
    return rendered;
  }

  /** Ids of the charts drawn or being drawn early (for tests). */
  get started(): string[] {
    return [...this.early.keys()];
  }
}

/** Renders the charts of SPEC 3.3 as inline SVG, in page order. */
export function renderCharts(data: ChartData): Promise<RenderedChart[]> {
  return new ChartDrawer().all(data);
}
