import { describe, expect, it } from 'vitest';
import { analyse } from '../src/commands/context.js';
import { CHART_PARTS, chartData, computeTables, memorySource, metricContext, metricSettings, outputPlan, section, sectionName, SECTION_NAMES } from '../src/commands/metrics.js';
import { inputSettings } from '../src/options.js';
import { asksForHtml } from '../src/output/chart-worker-start.js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { CHART_DEFINITIONS, ChartDrawer, curveSteps, renderCharts, svgOf, withOrder, type ChartData, type RenderedChart } from '../src/output/vega-charts.js';

/**
 * The chart worker draws each chart as soon as the main thread sends the
 * part of the chart data it reads (the hour × weekday counts once the
 * messages are read, the others as their tables are computed; issue 15,
 * SPEC 6). A chart drawn early must be the very chart a single drawing
 * makes, and is used only when its input is the final data's.
 */
const grid = Array.from({ length: 7 }, (_, d) => Array.from({ length: 24 }, (_, h) => (d < 5 && h >= 7 && h < 17 ? 20 + h : h % 3)));
const data: ChartData = {
  hourWeekday: grid,
  workHours: { start: 7 * 60, end: 17 * 60 },
  workDays: [true, true, true, true, true, false, false],
  latencyCurve: [0, 24, 48].flatMap((hours) => ['physician', 'nurse'].map((role) => ({ role, hours, pct_answered: hours + (role === 'nurse' ? 10 : 0) }))),
  roundsByCategory: [{ category: 'medication', rounds_0: 3, rounds_1: 10, rounds_2: 4, rounds_3: 1, rounds_4: 0, rounds_5_plus: 1 }],
  volumeByRole: [{ role: 'physician', messages_sent: 30, patient_messages: 25 }],
  volumeByCategory: [{ category: 'medication', messages_sent: 30, patient_messages: 25 }],
  trend: [
    { month: '2024-01', partial: true, messages_per_clinician_week: 12, pct_after_hours: 20, est_after_hours_minutes_per_clinician_week: 9, median_hours: 5, km_pct_within_72h: 88 },
    { month: '2024-02', partial: false, messages_per_clinician_week: 14, pct_after_hours: 22, est_after_hours_minutes_per_clinician_week: 10, median_hours: 6, km_pct_within_72h: 86 },
  ],
  spread: [
    { clinician: 'C1', role: 'physician', messages_per_week: 20, after_hours_minutes_per_week: 12 },
    { clinician: 'C2', role: 'nurse', messages_per_week: 8, after_hours_minutes_per_week: null },
  ],
  reference: {
    ours: { within24h: 60, within72h: 85, km72h: 86, le4Rounds: 97, physicianEvening: 5 },
    theirs: { within24h: 72.2, within72h: 90.6, le4Rounds: 95.1, physicianEvening: 7, citation: 'Huang M, et al. JMIR 2022' },
    comparable: true,
  },
};

// Vega numbers gradients per thread (gradient_0, gradient_1, …: unique on a page drawn by one thread); compare without the number.
const plain = (charts: RenderedChart[]) => charts.map((c) => ({ ...c, svg: c.svg.replace(/gradient_\d+/g, 'gradient') }));

describe('charts drawn as their data arrives', () => {
  it('draws a chart once every part it reads has arrived, and the page is the one a single drawing makes', async () => {
    const once = await renderCharts(data);
    expect(once.map((c) => c.id)).toEqual(['chart-trend', 'chart-hours', 'chart-latency', 'chart-rounds', 'chart-volume', 'chart-spread']);
    const drawer = new ChartDrawer();
    drawer.add({ hourWeekday: data.hourWeekday, workHours: data.workHours, workDays: data.workDays });
    expect(drawer.started).toEqual(['chart-hours']);
    drawer.add({ volumeByRole: data.volumeByRole });
    expect(drawer.started).toEqual(['chart-hours']); // the volume chart reads by category too
    drawer.add({ volumeByCategory: data.volumeByCategory, spread: data.spread });
    expect(drawer.started).toEqual(['chart-hours', 'chart-volume', 'chart-spread']);
    drawer.add({ latencyCurve: data.latencyCurve, roundsByCategory: data.roundsByCategory, trend: data.trend });
    expect(drawer.started.sort()).toEqual(once.map((c) => c.id).sort());
    expect(plain(await drawer.all(data))).toEqual(plain(once));
  });

  it('warms up with a volume chart it throws away, and draws the same page; the volume chart has no gradient, so ids are not shifted', async () => {
    const once = await renderCharts(data);
    const drawer = new ChartDrawer();
    drawer.warmUp();
    drawer.add({ hourWeekday: data.hourWeekday, workHours: data.workHours, workDays: data.workDays });
    expect(plain(await drawer.all(data))).toEqual(plain(once));
    expect(once.find((c) => c.id === 'chart-volume')!.svg).not.toMatch(/gradient/);
  });

  it('draws a chart again when its early input is not the final one', async () => {
    const other = grid.map((row) => [...row]);
    other[6]![23]!++;
    for (const part of [{ hourWeekday: other, workHours: data.workHours, workDays: data.workDays }, { hourWeekday: grid, workHours: { start: 8 * 60, end: 17 * 60 }, workDays: data.workDays }, { spread: data.spread.slice(0, 1) }]) {
      const drawer = new ChartDrawer();
      drawer.add(part);
      expect(plain(await drawer.all(data))).toEqual(plain(await renderCharts(data)));
    }
    // And the early drawing was indeed of the other input.
    const drawer = new ChartDrawer();
    drawer.add({ hourWeekday: other, workHours: data.workHours, workDays: data.workDays });
    const final = await drawer.all({ ...data, hourWeekday: other });
    expect(plain(final)).not.toEqual(plain(await renderCharts(data)));
  });

  it('leaves out a trend of one month and a spread with no after-hours figure, drawn early or not', async () => {
    const short = { ...data, trend: data.trend.slice(0, 1), spread: [data.spread[1]!] };
    const drawer = new ChartDrawer();
    drawer.add({ trend: short.trend, spread: short.spread });
    const ids = (await drawer.all(short)).map((c) => c.id);
    expect(ids).toEqual(['chart-hours', 'chart-latency', 'chart-rounds', 'chart-volume']);
    expect((await renderCharts(short)).map((c) => c.id)).toEqual(ids);
  });
});

describe('starting the chart worker before the CLI loads', () => {
  it('is asked for by --format html, or by -o FILE.html without --format, on a command that draws charts', () => {
    expect(asksForHtml(['report', '--format', 'html', 'a.csv'])).toBe(true);
    expect(asksForHtml(['latency', '--format=html', 'a.csv'])).toBe(true);
    expect(asksForHtml(['report', '-o', 'out/Report.HTML', 'a.csv'])).toBe(true);
    expect(asksForHtml(['report', '--output=r.htm', 'a.csv'])).toBe(true);
    expect(asksForHtml(['report', '--format', 'json', '-o', 'r.html', 'a.csv'])).toBe(false);
    expect(asksForHtml(['report', 'a.csv'])).toBe(false);
    expect(asksForHtml(['report', '--', '--format', 'html'])).toBe(false);
    expect(asksForHtml(['validate', '--format', 'html', 'a.csv'])).toBe(false);
    expect(asksForHtml([])).toBe(false);
  });
});

/** A spec with its dataset `values` replaced by the rows themselves, inline, as the charts were drawn before they were compiled at build time. */
function inline(spec: unknown, values: object[]): unknown {
  if (Array.isArray(spec)) return spec.map((s) => inline(s, values));
  if (spec === null || typeof spec !== 'object') return spec;
  if ((spec as { name?: unknown }).name === 'values' && Object.keys(spec).length === 1) return { values };
  return Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, inline(v, values)]));
}

describe('charts compiled when msgwork is built', () => {
  it('draw the very SVG their Vega-Lite spec draws with the rows inline, compiled in the run', async () => {
    const drawn = new Map((await renderCharts(data)).map((c) => [c.id, c.svg]));
    expect(drawn.size).toBe(CHART_DEFINITIONS.length);
    for (const definition of CHART_DEFINITIONS) {
      const values = definition.values(definition.pick(data))!;
      const spec = inline(definition.spec, values) as TopLevelSpec;
      expect(JSON.stringify(spec)).toContain('"values":[');
      expect(JSON.stringify(spec)).not.toContain('"name":"values"');
      const svg = await svgOf(vega.parse(compile(spec).spec));
      // Vega numbers gradients per thread (see `plain`).
      expect(drawn.get(definition.id)!.replace(/gradient_\d+/g, 'gradient'), definition.id).toBe(svg.replace(/gradient_\d+/g, 'gradient'));
    }
  });

  it('list roles as the tables do: in order of first appearance, not alphabetically', async () => {
    expect(withOrder([{ role: 'b' }, { role: 'a' }, { role: 'b' }], 'role').map((r) => r.order)).toEqual([0, 1, 0]);
    const curve = ['physician', 'nurse', 'aide'].flatMap((role, k) => [0, 24].map((hours) => ({ role, hours, pct_answered: hours + k })));
    const latency = (await renderCharts({ ...data, latencyCurve: curve })).find((c) => c.id === 'chart-latency');
    const legend = [...latency!.svg.matchAll(/<text[^>]*>(physician|nurse|aide)<\/text>/g)].map((m) => m[1]);
    expect(legend).toEqual(['physician', 'nurse', 'aide']);
  });
});

describe('the clinician spread', () => {
  it('labels no point (thousands of labels help no screen reader and were half a large page); the heat map keeps its cell labels', async () => {
    const charts = await renderCharts(data);
    const spread = charts.find((c) => c.id === 'chart-spread')!.svg;
    // One point (C2 has no after-hours figure), drawn without a label.
    const points = /<g class="mark-symbol role-mark[^"]*"[^>]*>(.*?)<\/g>/.exec(spread)![1]!;
    expect(points.match(/<path /g)).toHaveLength(1);
    expect(points).not.toMatch(/aria-label/);
    expect(spread).not.toMatch(/aria-label="[^"]*messages_per_week/);
    expect(spread).not.toMatch(/aria-roledescription="point"/);
    expect(charts.find((c) => c.id === 'chart-hours')!.svg).toMatch(/aria-label="hour of day \(local time\): 7; weekday: mon; messages: 27"/);
  });
});

describe('the latency curves', () => {
  it('keep the points a step-after line needs: each role’s first, each change and its last', () => {
    // a: 0 0 5 5 5 → hours 0, 2 (the change) and 4 (the last); b: 1 1 → hours 0 and 1.
    const curve = [0, 0, 5, 5, 5].map((pct_answered, hours) => ({ role: 'a', hours, pct_answered })).concat([1, 1].map((pct_answered, hours) => ({ role: 'b', hours, pct_answered })));
    expect(curveSteps(curve).map((r) => `${r.role}${r.hours}`)).toEqual(['a0', 'a2', 'a4', 'b0', 'b1']);
    expect(curveSteps([])).toEqual([]);
  });
});

describe('the chart parts the main thread sends early', () => {
  it('are final: each equals the same part of the chart data made from every table, and the tables are the plan’s, in its order', async () => {
    const analysis = await analyse(inputSettings(['samples/messages.csv'], { config: 'samples/config.json', quiet: true }));
    const context = metricContext(analysis, metricSettings({}));
    const plan = outputPlan('html', SECTION_NAMES, []);
    const parts: Partial<ChartData>[] = [];
    const computed = await computeTables(context, plan, (part) => parts.push(part));
    expect(computed.map((s) => s.name)).toEqual(plan.tables.map((t) => sectionName(t.name, t.dims)));
    const single = plan.tables.map((t) => section(context, t.name, t.dims, t.chart));
    expect(JSON.stringify(computed)).toBe(JSON.stringify(single));
    expect(parts).toHaveLength(CHART_PARTS.length);
    const final = chartData(memorySource(context, computed));
    for (const part of parts) for (const [key, value] of Object.entries(part)) expect(JSON.stringify(value)).toBe(JSON.stringify(final[key as keyof ChartData]));
    // The spread (the slowest chart on a large export) is sent before the trend.
    expect(parts.map((part) => Object.keys(part).join())).toEqual(['volumeByRole,volumeByCategory', 'latencyCurve', 'roundsByCategory', 'spread', 'trend']);
  });

  it('draw the spread from the after-hours table by clinician alone: its messages sent are the volume table’s', async () => {
    const analysis = await analyse(inputSettings(['samples/messages.csv'], { config: 'samples/config.json', quiet: true }));
    const context = metricContext(analysis, metricSettings({}));
    const plan = outputPlan('html', SECTION_NAMES, []);
    expect(plan.tables.map((t) => sectionName(t.name, t.dims))).not.toContain('volume.by_clinician');
    const spread = chartData(memorySource(context, await computeTables(context, plan))).spread;
    const volume = section(context, 'volume', ['clinician'], false).rows.filter((r) => r.clinician_id !== 'unattributed' && typeof r.messages_sent === 'number' && r.messages_sent > 0);
    expect(spread.length).toBe(volume.length);
    const sent = new Map(volume.map((r) => [r.clinician_id, r.messages_sent as number]));
    for (const p of spread) expect(p.messages_per_week * context.weeks, p.clinician).toBeCloseTo(sent.get(p.clinician)!, 9);
  });

});
