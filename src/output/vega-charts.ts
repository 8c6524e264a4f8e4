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

/** Renders the four charts of SPEC 3.3 as inline SVG. */
export async function renderCharts(data: ChartData): Promise<RenderedChart[]> {
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
    ...data.volumeByRole.map((r) => ({ view: 'by role', group: r.role, kind: 'clinician messages sent', messages: r.messages_sent })),
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

  return [
    { id: 'chart-hours', title: 'When clinicians send messages', caption: 'Clinician messages by hour of day and weekday; outlined cells are the work window.', svg: await svgOf(heatmap) },
    { id: 'chart-latency', title: 'How long patients wait', caption: 'Share of index messages answered within each number of hours, by role; unanswered messages keep the curve below 100 %.', svg: await svgOf(curve) },
    { id: 'chart-rounds', title: 'Back-and-forth by task', caption: 'Rounds per thread by task category (a round is a patient message answered by a clinician).', svg: await svgOf(roundsChart) },
    { id: 'chart-volume', title: 'Volume', caption: 'Messages by clinician role and by task category.', svg: await svgOf(volumeChart) },
  ];
}
