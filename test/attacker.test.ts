import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyse } from '../src/commands/context.js';
import { metricContext, metricSettings, protect, section, SECTION_NAMES } from '../src/commands/metrics.js';
import type { MetricContext } from '../src/metrics/context.js';
import { DIMENSIONS, type Dimension } from '../src/model/groups.js';
import { inputSettings } from '../src/options.js';
import type { Row, Section } from '../src/output/report.js';
import { generatedExport, tempDir, write } from './support/fixtures.js';

/**
 * A reader with a calculator (SPEC 4, issue 12). For every section and every
 * --by dimension of SPEC 2, on the samples and a generated export, with
 * --min-cell 11, this attacker takes what one output shows and applies every
 * recovery rule it knows until nothing more comes out:
 *  - row identities: index_messages = answered + unanswered; threads = the
 *    rounds histogram; a share's numerator + complement = its denominator;
 *  - sums: a column's rows against the total row (= the overall table), used
 *    only where the identity holds on the true data;
 *  - products: a shown percentage × its shown denominator; mean_per_clinician
 *    × clinicians and messages_per_active_day × active_days = messages_sent.
 * It must recover no hidden count from 1 to 10 — and the cells must really
 * be hidden (the test fails if nothing is).
 *
 * It is written apart from src/output/suppression.ts on purpose: it knows
 * the identities, not how cells were chosen.
 */
const MIN_CELL = 11;

type Cell = { row: number; key: string };
interface Knowledge {
  truth: Map<string, number>;
  known: Map<string, number>;
}
const id = (c: Cell) => `${c.row}|${c.key}`;

/** Every count-valued cell of an output, true and shown, with the identities among them. */
function model(trueSections: Section[], shownSections: Section[]) {
  const truth = new Map<string, number>();
  const known = new Map<string, number>();
  const sums: Cell[][] = []; // [whole, ...parts]
  const products: [Cell, Cell, Cell, number][] = []; // a = b × c × factor
  const rows: { section: string; true: Row; shown: Row }[] = [];
  const add = (sectionName: string, t: Row, s: Row) => rows.push({ section: sectionName, true: t, shown: s }) - 1;

  // Families: the overall row of a section family is every grouping's total.
  const totals = new Map<string, number>();
  for (let k = 0; k < trueSections.length; k++) {
    const t = trueSections[k]!, s = shownSections[k]!;
    const family = t.name.split('.')[0]! + '|' + t.columns.map((c) => c.name).filter((n) => !n.includes('_id') && !['role', 'department', 'care_setting'].includes(n)).slice(-8).join(',');
    if (!totals.has(family)) totals.set(family, add(t.name, t.total ?? t.rows[0]!, s.total ?? s.rows[0]!));
    const total = totals.get(family)!;
    const grouped = t.name.includes('.by_');
    const rowIds = grouped ? t.rows.map((r, i) => add(t.name, r, s.rows[i]!)) : [];
    const counts = t.columns.filter((c) => c.kind === 'count').map((c) => c.name);
    const shares = t.columns.filter((c) => c.name.startsWith('pct_') && !c.name.endsWith('_lo') && !c.name.endsWith('_hi'));
    for (const r of [total, ...rowIds]) {
      const tr = rows[r]!.true, sr = rows[r]!.shown;
      for (const c of counts) {
        if (typeof tr[c] !== 'number') continue;
        truth.set(`${r}|${c}`, tr[c] as number);
        if (typeof sr[c] === 'number') known.set(`${r}|${c}`, sr[c] as number);
      }
      if (counts.includes('answered')) sums.push([{ row: r, key: 'index_messages' }, { row: r, key: 'answered' }, { row: r, key: 'unanswered' }]);
      if (counts.includes('rounds_0')) sums.push([{ row: r, key: 'threads' }, ...[0, 1, 2, 3, 4].map((k) => ({ row: r, key: `rounds_${k}` })), { row: r, key: 'rounds_5_plus' }]);
      for (const share of shares) {
        // The denominator of each share, and its numerator column where it has one.
        const denominator = share.name === 'pct_after_hours' || share.name === 'pct_evening' ? 'messages_sent' : share.name === 'pct_le_4_rounds' ? 'threads' : share.name === 'pct_of_clinician_messages' ? null : 'index_messages';
        if (denominator === null || typeof tr[share.name] !== 'number') continue;
        const numerator = share.name === 'pct_after_hours' ? 'after_hours_messages' : share.name === 'pct_evening' ? 'evening_messages' : `#num:${share.name}`;
        const trueNumerator = Math.round(((tr[share.name] as number) * (tr[denominator] as number)) / 100);
        truth.set(`${r}|${numerator}`, trueNumerator);
        truth.set(`${r}|#comp:${share.name}`, (tr[denominator] as number) - trueNumerator);
        if (typeof sr[share.name] === 'number' && typeof sr[denominator] === 'number') {
          known.set(`${r}|${numerator}`, Math.round(((sr[share.name] as number) * (sr[denominator] as number)) / 100));
        }
        sums.push([{ row: r, key: denominator }, { row: r, key: numerator }, { row: r, key: `#comp:${share.name}` }]);
        if (share.name === 'pct_le_4_rounds') sums.push([{ row: r, key: numerator }, ...[0, 1, 2, 3, 4].map((k) => ({ row: r, key: `rounds_${k}` }))]);
      }
      if (typeof sr.mean_per_clinician === 'number' && typeof sr.clinicians === 'number') known.set(`${r}|messages_sent`, Math.round((sr.mean_per_clinician as number) * (sr.clinicians as number)));
      if (typeof sr.messages_per_active_day === 'number' && typeof sr.active_days === 'number') known.set(`${r}|messages_sent`, Math.round((sr.messages_per_active_day as number) * (sr.active_days as number)));
    }
    // Column sums against the total, where they hold on the true data (an attacker can know which do).
    if (grouped) {
      const keys = new Set([...truth.keys()].filter((k) => k.startsWith(`${total}|`)).map((k) => k.slice(k.indexOf('|') + 1)));
      for (const key of keys) {
        const parts = rowIds.map((r) => truth.get(`${r}|${key}`));
        if (parts.some((p) => p === undefined)) continue;
        if (parts.reduce((a, b) => a! + b!, 0) !== truth.get(`${total}|${key}`)) continue;
        sums.push([{ row: total, key }, ...rowIds.map((row) => ({ row, key }))]);
      }
    }
  }
  return { truth, known, sums, products, rows };
}

/** The reader's fixed point: solves every identity with exactly one unknown. */
function attack(k: Knowledge, sums: Cell[][]): void {
  for (let changed = true; changed; ) {
    changed = false;
    for (const cells of sums) {
      if (!cells.every((c) => k.truth.has(id(c)))) continue;
      const unknown = cells.filter((c) => !k.known.has(id(c)));
      if (unknown.length !== 1) continue;
      const [whole, ...parts] = cells;
      const u = unknown[0]!;
      const value = u === whole ? parts.reduce((a, c) => a + k.known.get(id(c))!, 0) : k.known.get(id(whole!))! - parts.filter((c) => c !== u).reduce((a, c) => a + k.known.get(id(c))!, 0);
      k.known.set(id(u), value);
      changed = true;
    }
  }
}

const datasets: Record<string, () => Promise<MetricContext>> = {
  samples: async () => {
    const analysis = await analyse(inputSettings(['samples/messages.csv'], { timezone: 'America/New_York', roster: 'samples/roster.csv', quiet: true }));
    return metricContext(analysis, metricSettings({}), { minCell: MIN_CELL });
  },
  generated: async () => {
    const dir = tempDir();
    const { csv, roster: rosterText } = generatedExport({ threads: 900, seed: 31, start: '2024-05-01', days: 75 });
    const roster = write(dir, 'roster.csv', rosterText);
    const file = write(dir, 'messages.csv', csv);
    const analysis = await analyse(inputSettings([file], { timezone: 'UTC', roster, quiet: true }));
    return metricContext(analysis, metricSettings({ ci: '95' }), { minCell: MIN_CELL });
  },
};

describe('--min-cell 11 against a reader with a calculator (SPEC 4)', () => {
  for (const [name, make] of Object.entries(datasets)) {
    let context: MetricContext;
    beforeAll(async () => {
      context = await make();
    }, 60_000);
    const outputs: [string, Dimension[][]][] = [['report (overall, by role, by category)', [[], ['role'], ['category']]], ...DIMENSIONS.map((d) => [`report --by ${d}`, [[d]]] as [string, Dimension[][]])];
    for (const [label, views] of outputs) {
      it(`${name}: ${label}`, () => {
        const trueSections = SECTION_NAMES.flatMap((s) => views.map((view) => section(context, s, view, false)));
        const shown = protect(trueSections, MIN_CELL).sections;
        const { truth, known, sums } = model(trueSections, shown);
        const shownAtFirst = new Set(known.keys());
        attack({ truth, known }, sums);
        const small = [...truth].filter(([key, v]) => v >= 1 && v < MIN_CELL && !shownAtFirst.has(key));
        // Cells really are hidden, and none of them is shown.
        for (const [key, v] of truth) if (shownAtFirst.has(key)) expect(v >= 1 && v < MIN_CELL, `${key} = ${v} is shown`).toBe(false);
        const recovered = small.filter(([key]) => known.has(key));
        expect(recovered.map(([key, v]) => `${key} = ${v}`), `${label}: recovered hidden counts`).toEqual([]);
        if (views.some((v) => v.length > 0 && ['clinician', 'hour', 'week', 'department'].includes(v[0]!))) expect(small.length).toBeGreaterThan(0);
        // Shares of a hidden count are blank, and so are their intervals.
        for (const s of shown) for (const row of s.rows) for (const c of s.columns) if (c.name.endsWith('_lo') && row[c.name.slice(0, -3)] === null) expect(row[c.name]).toBeNull();
      });
    }
  }
});

describe('--min-cell in the HTML page and the terminal', () => {
  const run = (args: string[]) => spawnSync(process.execPath, [resolve('bin/msgwork'), ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 1 << 26 });
  it('no chart label or headline figure shows a count from 1 to 10', () => {
    const out = run(['report', '--timezone', 'America/New_York', '--roster', 'samples/roster.csv', '--min-cell', '11', '--format', 'html', 'samples/messages.csv']);
    expect(out.status, out.stderr).toBe(0);
    const labels = [...out.stdout.matchAll(/aria-label="([^"]*)"/g)].map((m) => m[1]!);
    expect(labels.length).toBeGreaterThan(50);
    // Counts drawn: heat-map cells and volume bars ("messages: N").
    const counts = labels.flatMap((l) => [...l.matchAll(/\bmessages: (\d+)/g)].map((m) => Number(m[1])));
    expect(counts.length).toBeGreaterThan(100);
    expect(counts.filter((c) => c >= 1 && c < 11)).toEqual([]);
  });

  it('the terminal table leaves the hour chart out rather than show small shares', () => {
    const out = run(['after-hours', '--timezone', 'America/New_York', '--min-cell', '11', '--format', 'table', 'samples/messages.csv']);
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).not.toMatch(/hour of day/i);
  });
});
