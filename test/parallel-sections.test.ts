import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyse } from '../src/commands/context.js';
import { chartData, computeTables, memorySource, metricContext, metricSettings, outputPlan, section, SECTION_NAMES, splitsInTwo, type SectionName } from '../src/commands/metrics.js';
import { contextData, SectionWorker } from '../src/commands/parallel-sections.js';
import { answeredCurve } from '../src/metrics/latency.js';
import type { Dimension } from '../src/model/groups.js';
import { isShared } from '../src/model/shared.js';
import { inputSettings } from '../src/options.js';
import type { ChartData } from '../src/output/vega-charts.js';
import { buildThreads, orderThreads } from '../src/model/threads.js';
import { generatedExport, shuffle, table, tempDir, toCsv, write } from './support/fixtures.js';

/**
 * The section worker computes the latency and rounds tables (and for the HTML page the
 * latency curve) while the main thread computes the others (issue 16, SPEC
 * 6); it can compute any section. Each table must be the very table the main
 * thread computes. The worker file is
 * the compiled one (dist/, built by test/build.ts): a worker cannot run the
 * TypeScript sources.
 */
const WORKER = pathToFileURL(join(process.cwd(), 'dist/commands/section-worker.js'));

// A generated export across the spring DST change, with a roster (departments, FTE).
const dir = tempDir();
const { csv, roster } = generatedExport({ threads: 900, seed: 21, start: '2024-02-20', days: 45 });
const file = write(dir, 'messages.csv', csv);
const rosterFile = write(dir, 'roster.csv', roster);

async function contextFor(metric: Record<string, string> = {}, key?: string) {
  const analysis = await analyse(inputSettings([file], { timezone: 'America/Chicago', roster: rosterFile, quiet: true }));
  return metricContext(analysis, metricSettings(metric), { pseudonymize: key });
}

describe('tables computed in the section worker (issue 16)', () => {
  it('shares the store and the threads with the worker, not a copy of them', async () => {
    const data = contextData(await contextFor(), undefined);
    for (const [name, value] of [...Object.entries(data.store), ...Object.entries(data.threads), ['inWindow', data.inWindow]] as [string, unknown][]) {
      if (ArrayBuffer.isView(value)) expect(isShared(value), name).toBe(true);
    }
    expect('messageIds' in data.store).toBe(false);
  });

  it('answers each table the main thread computes, with pseudonyms, --ci and each index message, and the latency curve', async () => {
    const tables: { name: SectionName; dims: Dimension[]; chart: boolean }[] = [];
    for (const name of ['latency', 'rounds'] as const) for (const dims of [[], ['role'], ['category'], ['month'], ['clinician'], ['department', 'weekday'], ['week'], ['hour']] as Dimension[][]) tables.push({ name, dims, chart: false });
    for (const [metric, key] of [[{}, undefined], [{ ci: '95', latencyIndex: 'each', within: '4h,24h,72h' }, 'a long enough key']] as const) {
      const here = await contextFor(metric, key);
      const there = await contextFor(metric, key);
      const worker = SectionWorker.start(there, key, { minMessages: 0, url: WORKER });
      expect(worker).not.toBeNull();
      const reply = await worker!.compute({ tables, curveHours: 168 });
      expect(reply, 'the worker answered').not.toBeNull();
      expect(reply!.sections.map((s) => s.name)).toEqual(tables.map((t) => section(here, t.name, t.dims, false).name));
      for (const [k, t] of tables.entries()) expect(JSON.stringify(reply!.sections[k]), `${t.name} by ${t.dims.join(',')}`).toBe(JSON.stringify(section(here, t.name, t.dims, false)));
      expect(reply!.curve).toEqual(answeredCurve(here, ['role'], 168));
      if (key !== undefined) expect(JSON.stringify(reply!.sections)).not.toMatch(/"clinician_id":"C\d/);
    }
  });

  it('gives the report the tables and chart parts it computes in one thread, JSON and HTML plans', async () => {
    for (const [format, dims] of [['json', []], ['json', ['role', 'month']], ['html', []]] as const) {
      const plan = outputPlan(format, SECTION_NAMES, [...dims]);
      const one = await contextFor();
      const serial = await computeTables(one, plan);
      const two = await contextFor();
      const parts: Partial<ChartData>[] = [];
      const parallel = await computeTables(two, plan, (part) => parts.push(part), SectionWorker.start(two, undefined, { minMessages: 0, url: WORKER }));
      expect(JSON.stringify(parallel), `${format} ${dims.join(',')}`).toBe(JSON.stringify(serial));
      if (format === 'html') {
        // Every part sent early equals the final chart data, the latency curve the worker computed included.
        const final = chartData(memorySource(one, serial));
        expect(parts.length).toBeGreaterThan(0);
        for (const part of parts) for (const [name, value] of Object.entries(part)) expect(JSON.stringify(value), name).toBe(JSON.stringify(final[name as keyof ChartData]));
        expect(parts.some((p) => p.latencyCurve !== undefined && p.latencyCurve.length > 0)).toBe(true);
      }
    }
  });

  it('is started only for a report that splits: the latency section alone is computed in this thread', () => {
    expect(splitsInTwo(outputPlan('json', SECTION_NAMES, []))).toBe(true);
    expect(splitsInTwo(outputPlan('html', ['latency'], []))).toBe(true); // the page's charts need the other sections
    expect(splitsInTwo(outputPlan('json', ['latency'], ['role']))).toBe(false);
    expect(splitsInTwo(outputPlan('json', ['volume', 'after-hours'], []))).toBe(false);
  });

  it('can be started before the context exists (once a parallel load has read the file) and given it after', async () => {
    const plan = outputPlan('json', SECTION_NAMES, []);
    const serial = await computeTables(await contextFor(), plan);
    const context = await contextFor();
    const early = SectionWorker.spawn(WORKER);
    expect(early).not.toBeNull();
    const begun = early!.begin(context, undefined, 0);
    expect(begun).toBe(early);
    expect(JSON.stringify(await computeTables(context, plan, undefined, begun))).toBe(JSON.stringify(serial));
    // Too few messages for it: stopped, and the tables are computed here.
    const idle = SectionWorker.spawn(WORKER)!;
    expect(idle.begin(context, undefined)).toBeNull();
    expect(await idle.compute({ tables: plan.tables, curveHours: undefined })).toBeNull();
  });

  it('orders the threads while this thread resolves the clinicians; equal times are settled here, by message_id', async () => {
    // Times to the hour and rows shuffled: many threads have messages at the same time, out of id order in the file.
    const { header, rows } = table(csv);
    const at = header.indexOf('sent_at');
    const hourly = shuffle(rows.map((r) => r.map((v, k) => (k === at ? v.replace(/:\d\d:\d\d$/, ':00:00') : v))), 5);
    const analysis = await analyse(inputSettings([write(dir, 'hourly.csv', toCsv(header, hourly))], { timezone: 'America/Chicago', quiet: true }));
    const { store, clinicians } = analysis;
    const worker = SectionWorker.spawn(WORKER);
    expect(await worker!.orderThreads(store), 'too few messages for the worker').toBeNull();
    const ordered = await worker!.orderThreads(store, undefined, 0);
    worker!.stop();
    expect(ordered, 'the worker answered').not.toBeNull();
    const here = orderThreads(store);
    expect(here.ties.length).toBeGreaterThan(20);
    for (const name of ['order', 'start', 'reply', 'threadCategory', 'ties'] as const) expect([...ordered![name]], name).toEqual([...here[name]]);
    const serial = buildThreads(store, clinicians);
    expect([...serial.order]).not.toEqual([...here.order]); // the ids decided some ties
    const settled = buildThreads(store, clinicians, ordered!);
    for (const name of ['order', 'start', 'reply', 'clinician', 'threadClinician', 'threadCategory'] as const) expect([...settled[name]], name).toEqual([...serial[name]]);
    // A worker that cannot run answers null: this thread orders them.
    const broken = SectionWorker.spawn(pathToFileURL(join(dir, 'no-such-worker.js')));
    expect(await broken!.orderThreads(store, undefined, 0)).toBeNull();
  });

  it('computes what it can of its tables from the ordered threads, and answers the same tables', async () => {
    for (const latencyIndex of ['first', 'each'] as const) {
      const plan = outputPlan('json', SECTION_NAMES, ['role']);
      const serial = await computeTables(await contextFor({ latencyIndex }), plan);
      const analysis = await analyse(inputSettings([file], { timezone: 'America/Chicago', roster: rosterFile, quiet: true }));
      const worker = SectionWorker.spawn(WORKER)!;
      const ordered = await worker.orderThreads(analysis.store, { sections: ['latency', 'rounds'], latencyIndex }, 0);
      expect(ordered!.ties.length).toBe(0);
      const context = metricContext(analysis, metricSettings({ latencyIndex }), {}, ordered!);
      expect(JSON.stringify(await computeTables(context, plan, undefined, worker.begin(context, undefined, 0))), latencyIndex).toBe(JSON.stringify(serial));
    }
  });

  it('falls back to this thread when the worker cannot run', async () => {
    const plan = outputPlan('json', SECTION_NAMES, ['role']);
    const serial = await computeTables(await contextFor(), plan);
    const context = await contextFor();
    const broken = SectionWorker.start(context, undefined, { minMessages: 0, url: pathToFileURL(join(dir, 'no-such-worker.js')) });
    expect(JSON.stringify(await computeTables(context, plan, undefined, broken))).toBe(JSON.stringify(serial));
    // Too few messages: no worker.
    expect(SectionWorker.start(context, undefined, { url: WORKER })).toBeNull();
  });
});
