import { describe, expect, it } from 'vitest';
import { renderCharts, renderHoursChart, sameHoursData, type ChartData, type RenderedChart } from '../src/output/vega-charts.js';

/**
 * The chart worker draws the hour × weekday chart as soon as the main thread
 * sends the counts, and the other charts once the tables are computed
 * (issue 15, SPEC 6). The early drawing must be the very chart a single
 * drawing makes, and is used only for the same counts and work window.
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
  trend: [],
  spread: [],
  reference: {
    ours: { within24h: 60, within72h: 85, km72h: 86, le4Rounds: 97, physicianEvening: 5 },
    theirs: { within24h: 72.2, within72h: 90.6, le4Rounds: 95.1, physicianEvening: 7, citation: 'Huang M, et al. JMIR 2022' },
    comparable: true,
  },
};

describe('the hour × weekday chart drawn early', () => {
  // Vega numbers gradients per thread (gradient_0, gradient_1, …: unique on a page drawn by one thread); compare without the number.
  const plain = (charts: RenderedChart[]) => charts.map((c) => ({ ...c, svg: c.svg.replace(/gradient_\d+/g, 'gradient') }));

  it('is the chart a single drawing makes, in its place on the page', async () => {
    const once = await renderCharts(data);
    const early = await renderHoursChart(data);
    expect(plain([early])).toEqual(plain(once.filter((c) => c.id === 'chart-hours')));
    expect(plain(await renderCharts(data, [early]))).toEqual(plain(once));
    expect(once.map((c) => c.id)).toEqual(['chart-hours', 'chart-latency', 'chart-rounds', 'chart-volume']);
  });

  it('is used only for the same counts and work window', () => {
    const other = grid.map((row) => [...row]);
    other[6]![23]!++;
    expect(sameHoursData(data, { ...data })).toBe(true);
    expect(sameHoursData(data, { ...data, hourWeekday: other })).toBe(false);
    expect(sameHoursData(data, { ...data, workHours: { start: 8 * 60, end: 17 * 60 } })).toBe(false);
    expect(sameHoursData(data, { ...data, workDays: [true, true, true, true, true, true, false] })).toBe(false);
  });
});
