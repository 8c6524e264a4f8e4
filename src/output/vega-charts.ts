import * as vega from 'vega';
import { compile, type Config, type TopLevelSpec } from 'vega-lite';
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

async function svgOf(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  // Inline SVG in HTML needs no namespace declarations; keep the file free of any URL.
  return svg.replace(/ xmlns(:xlink)?="[^"]*"/g, '').replace('<svg ', '<svg role="img" ');
}

/** What the hour × weekday chart reads: it can be drawn as soon as the messages are read. */
export type HoursData = Pick<ChartData, 'hourWeekday' | 'workHours' | 'workDays'>;

/** The hour × weekday chart (drawn first, while the main thread still computes the tables). */
export async function renderHoursChart(data: HoursData): Promise<RenderedChart> {
  const { spec, ...chart } = hoursChart(data);
  return { ...chart, svg: await svgOf(spec) };
}

/** Whether two hour × weekday inputs are the same (an early drawing is used only for the same input). */
export function sameHoursData(a: HoursData, b: HoursData): boolean {
  return JSON.stringify([a.hourWeekday, a.workHours, a.workDays]) === JSON.stringify([b.hourWeekday, b.workHours, b.workDays]);
}

function hoursChart(data: HoursData) {
  const inWorkHours = (h: number) => h * 60 >= data.workHours.start && (h + 1) * 60 <= data.workHours.end;
  const heat = data.hourWeekday.flatMap((row, d) =>
    row.map((messages, hour) => ({ weekday: WEEKDAYS[d], hour, messages, work: data.workDays[d] === true && inWorkHours(hour) })),
  );
  const heatmap: TopLevelSpec = {
    config: CONFIG,
    width: 620,
    height: 230,
    data: { values: heat },
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
  };
  return { id: 'chart-hours', title: 'When clinicians send messages', caption: 'Clinician messages by hour of day and weekday; outlined cells are the work window.', spec: heatmap };
}

/**
 * Renders the charts of SPEC 3.3 as inline SVG, in page order; a chart in
 * `drawn` (the hour × weekday chart, drawn early from the same data) is put
 * in its place instead of being drawn again.
 */
export async function renderCharts(data: ChartData, drawn: readonly RenderedChart[] = []): Promise<RenderedChart[]> {
  const roles = [...new Set(data.latencyCurve.map((r) => String(r.role)))];
  const curve: TopLevelSpec = {
    config: CONFIG,
    width: 560,
    height: 300,
    layer: [
      {
        data: { values: data.latencyCurve },
        mark: { type: 'line', strokeWidth: 2, interpolate: 'step-after' },
        encoding: {
          x: { field: 'hours', type: 'quantitative', title: 'hours since the patient wrote', scale: { domain: [0, 168] }, axis: { values: [0, 24, 48, 72, 96, 120, 144, 168] } },
          y: { field: 'pct_answered', type: 'quantitative', title: '% of index messages answered', scale: { domain: [0, 100] } },
          color: { field: 'role', type: 'nominal', title: 'role', sort: roles, scale: { range: OKABE_ITO } },
          strokeDash: { field: 'role', type: 'nominal', sort: roles, title: 'role' },
        },
      },
      {
        // Another health system's figures (Huang et al. 2022), as marks beside the curves, not targets.
        data: { values: [{ hours: 24, pct: data.reference.theirs.within24h, label: `Mayo Clinic 2022: ${data.reference.theirs.within24h} %` }, { hours: 72, pct: data.reference.theirs.within72h, label: `${data.reference.theirs.within72h} %` }] },
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
  };

  const buckets = ['0', '1', '2', '3', '4', '5+'];
  // A count --min-cell hid is left out, not drawn as 0.
  const rounds = data.roundsByCategory.flatMap((row) =>
    buckets.map((b, k) => ({ category: row.category, rounds: b, order: k, threads: row[k === 5 ? 'rounds_5_plus' : `rounds_${k}`] ?? null })).filter((v) => v.threads !== null),
  );
  const roundsChart: TopLevelSpec = {
    config: CONFIG,
    width: 560,
    height: { step: 26 },
    data: { values: rounds },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'category', type: 'nominal', title: null, sort: data.roundsByCategory.map((r) => String(r.category)) },
      x: { field: 'threads', type: 'quantitative', stack: 'normalize', title: 'share of threads', axis: { format: '%' } },
      color: { field: 'rounds', type: 'ordinal', title: 'rounds', sort: buckets, scale: { scheme: 'blues' } },
      order: { field: 'order' },
    },
  };

  const volumeValues = [
    ...data.volumeByRole.flatMap((r) => [
      { view: 'by role', group: r.role, kind: 'clinician messages sent', messages: r.messages_sent },
      { view: 'by role', group: r.role, kind: 'patient messages', messages: r.patient_messages },
    ]),
    ...data.volumeByCategory.flatMap((r) => [
      { view: 'by category', group: r.category, kind: 'clinician messages sent', messages: r.messages_sent },
      { view: 'by category', group: r.category, kind: 'patient messages', messages: r.patient_messages },
    ]),
  ];
  const volumeChart: TopLevelSpec = {
    config: CONFIG,
    data: { values: volumeValues },
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
  };

  const trendMeasures: [keyof TrendPoint, string][] = [
    ['messages_per_clinician_week', 'messages / clinician-week'],
    ['pct_after_hours', '% sent after hours'],
    ['est_after_hours_minutes_per_clinician_week', 'after-hours min / clinician-week'],
    ['median_hours', 'median hours to reply'],
    ['km_pct_within_72h', '% answered ≤ 72 h (KM)'],
  ];
  const trendValues = data.trend.flatMap((p) =>
    trendMeasures.filter(([key]) => p[key] !== null).map(([key, title]) => ({ month: p.month, measure: title, value: p[key], status: p.partial ? 'partial month' : 'whole month' })),
  );
  const trendChart: TopLevelSpec = {
    config: CONFIG,
    data: { values: trendValues },
    facet: { field: 'measure', type: 'nominal', title: null, sort: trendMeasures.map(([, t]) => t), header: { labelFontSize: 13, labelLimit: 0 } },
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
  };
  const spreadValues = data.spread.filter((p) => p.after_hours_minutes_per_week !== null);
  const spreadRoles = [...new Set(spreadValues.map((p) => p.role))];
  const spreadChart: TopLevelSpec = {
    config: CONFIG,
    width: 560,
    height: 300,
    data: { values: spreadValues },
    mark: { type: 'point', filled: true, size: 55, opacity: 0.8 },
    encoding: {
      x: { field: 'messages_per_week', type: 'quantitative', title: 'messages sent per week' },
      y: { field: 'after_hours_minutes_per_week', type: 'quantitative', title: 'est. after-hours minutes per week' },
      color: { field: 'role', type: 'nominal', title: 'role', sort: spreadRoles, scale: { range: OKABE_ITO } },
      shape: { field: 'role', type: 'nominal', title: 'role', sort: spreadRoles },
    },
  };

  const charts: { id: string; title: string; caption: string; spec: TopLevelSpec }[] = [
    ...(data.trend.length >= 2
      ? [{ id: 'chart-trend', title: 'Is it getting worse? The trend by month', caption: 'Each figure by calendar month of the window; a hollow triangle marks a month only partly inside the window (its rates use the days inside).', spec: trendChart }]
      : []),
    hoursChart(data),
    {
      id: 'chart-latency',
      title: 'How long patients wait',
      caption: `Share of index messages answered within each number of hours, by role (roles with at least 30 index messages; messages no clinician is attributed to are in the tables); unanswered messages keep a curve below 100 %. Diamonds: another health system's figures (${data.reference.theirs.citation}).`,
      spec: curve,
    },
    { id: 'chart-rounds', title: 'Back-and-forth by task', caption: 'Rounds per thread by task category (a round is a patient message answered by a clinician).', spec: roundsChart },
    { id: 'chart-volume', title: 'Volume', caption: "Clinician messages sent and patient messages, by role (the sender's, or the clinician a patient message is attributed to) and by task category.", spec: volumeChart },
    ...(spreadValues.length > 0
      ? [{ id: 'chart-spread', title: 'Who carries the load', caption: 'One point per clinician: messages sent and estimated after-hours minutes, per week of the window.', spec: spreadChart }]
      : []),
  ];
  const rendered: RenderedChart[] = [];
  for (const { spec, ...chart } of charts) rendered.push(drawn.find((d) => d.id === chart.id) ?? { ...chart, svg: await svgOf(spec) });
  return rendered;
}
