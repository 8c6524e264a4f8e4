import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedExport, tempDir, write } from './support/fixtures.js';

/**
 * SPEC 2 "Scope": the window selects what is counted, it never cuts threads.
 * A monthly job (--period YYYY-MM) must report the month's figures as a
 * whole-file report grouped by month does: latency with the replies sent
 * after the month ended, rounds with every message of the month's threads,
 * per-week rates over the month's days.
 */
const BIN = resolve('bin/msgwork');
const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 1 << 26 });

type Sections = Record<string, { rows: Record<string, unknown>[]; partial_periods?: { period: string }[] }>;
function report(args: string[]): Sections {
  const out = run(['report', '--format', 'json', ...args]);
  expect(out.status, out.stderr).toBe(0);
  return JSON.parse(out.stdout).sections;
}

// Shares of the whole (pct_of_clinician_messages) depend on what the whole is; every other column must agree.
const WHOLE_SHARES = new Set(['pct_of_clinician_messages']);

function compareMonths(args: string[], months: string[]) {
  const byMonth = report([...args, '--by', 'month']);
  for (const month of months) {
    const period = report([...args, '--period', month]);
    for (const section of ['volume', 'after-hours', 'latency', 'rounds']) {
      const grouped = byMonth[`${section}.by_month`]!;
      const row = grouped.rows.find((r) => r.month === month)!;
      const whole = period[section]!.rows[0]!;
      // A month the data covers only in part is partial in the whole-file report (its weeks are its days
      // in the data's window), and whole in --period: per-week rates differ there, by definition.
      const partial = grouped.partial_periods?.some((p) => p.period === month) ?? false;
      for (const [column, value] of Object.entries(whole)) {
        if (WHOLE_SHARES.has(column) || (partial && column.includes('_per_'))) continue;
        if (typeof value === 'number') expect(row[column], `${month} ${section}.${column}`).toBeCloseTo(value, 9);
        else expect(row[column], `${month} ${section}.${column}`).toEqual(value);
      }
    }
  }
}

describe('--period equals the month of a whole-file --by month report (SPEC 2 "Scope")', () => {
  it('on the samples, every month', () => {
    compareMonths(['--config', 'samples/config.json', 'samples/messages.csv'], ['2024-01', '2024-02', '2024-03', '2024-04']);
    // April is partial in the whole file (the data ends 9 April): said so, with its days.
    expect(report(['--config', 'samples/config.json', '--by', 'month', 'samples/messages.csv'])['volume.by_month']!.partial_periods).toEqual([{ period: '2024-04', days_in_window: 9, days: 30 }]);
  });

  it('on a generated export in New York (a DST change inside) with US federal holidays', () => {
    const dir = tempDir();
    const { csv, roster } = generatedExport({ threads: 1200, seed: 21, start: '2024-01-15', days: 110 });
    write(dir, 'roster.csv', roster);
    const file = write(dir, 'messages.csv', csv);
    compareMonths(['--timezone', 'America/New_York', '--holidays', 'us-federal', '--roster', join(dir, 'roster.csv'), file], ['2024-01', '2024-02', '2024-03', '2024-04', '2024-05']);
  });

  it("the README's scheduled check: a month's replies after month end count", () => {
    // February 2024 of the samples: 90.14 % answered within 72 h in the whole file; cutting threads at
    // month end made it 87.9 % and failed the rule latency.pct_within_72h >= 90.
    const out = run(['check', '--config', 'samples/config.json', '--period', '2024-02', 'samples/messages.csv']);
    expect(out.stdout).toContain('PASS  latency.pct_within_72h >= 90       all  90.1418');
    expect(out.status, out.stdout + out.stderr).toBe(0);
  });
});
