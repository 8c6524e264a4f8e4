import { describe, expect, it } from 'vitest';
import { afterHours } from '../src/metrics/after-hours.js';
import type { MetricContext, MetricTable } from '../src/metrics/context.js';
import { latency } from '../src/metrics/latency.js';
import { rounds } from '../src/metrics/rounds.js';
import { volume } from '../src/metrics/volume.js';
import type { Dimension } from '../src/model/groups.js';
import { contextOf } from './support/context.js';
import { smallExport, tempDir, write } from './support/fixtures.js';
import { reference, type Rows } from './support/reference.js';
import { readFileSync } from 'node:fs';

/**
 * msgwork's figures against the deliberately simple reference implementation
 * (test/support/reference.ts) for every section, overall, by role, by category
 * and by clinician, in a zone with a DST change inside the data.
 */
const SECTIONS: Record<string, (c: MetricContext, d: Dimension[]) => MetricTable> = { volume, 'after-hours': afterHours, latency, rounds };
const VIEWS: Dimension[][] = [[], ['role'], ['category'], ['clinician']];

function keyed(rows: Rows, dims: Dimension[]): Map<string, Rows[number]> {
  const columns = dims.map((d) => (d === 'clinician' ? 'clinician_id' : d));
  return new Map(rows.map((r) => [columns.map((c) => r[c]).join('|'), r]));
}

function compare(name: string, ours: Rows, theirs: Rows, dims: Dimension[]) {
  const a = keyed(ours, dims), b = keyed(theirs, dims);
  expect([...a.keys()].sort(), `${name}: groups`).toEqual([...b.keys()].sort());
  for (const [key, row] of a) {
    const other = b.get(key)!;
    expect(Object.keys(row).sort(), `${name} ${key}: columns`).toEqual(Object.keys(other).sort());
    for (const column of Object.keys(row)) {
      const x = row[column], y = other[column];
      if (typeof x === 'number' && typeof y === 'number') expect(x, `${name} ${key} ${column}`).toBeCloseTo(y, 6);
      else expect(x, `${name} ${key} ${column}`).toEqual(y);
    }
  }
}

async function agree(file: string, roster: string) {
  const timezone = 'America/New_York';
  const context = await contextOf(readFileSync(file, 'utf8'), { roster: readFileSync(roster, 'utf8'), options: { timezone } });
  const simple = reference(file, { timezone, roster, workStart: 7, workEnd: 17, evening: [17, 19], gapMinutes: 15, perMessageMinutes: 2 });
  for (const [name, compute] of Object.entries(SECTIONS)) {
    for (const dims of VIEWS) {
      compare(`${name} by ${dims.join(',') || 'all'}`, compute(context, dims).rows, simple[name as keyof typeof simple](dims), dims);
    }
  }
}

describe('msgwork agrees with a simple reference implementation', () => {
  it('on samples/messages.csv', async () => {
    await agree('samples/messages.csv', 'samples/roster.csv');
  });

  it('on a generated export with another seed, without sender roles in the roster', async () => {
    const dir = tempDir();
    const { csv, roster } = smallExport(1500, 42);
    // A roster with ids and FTE only, so roles come from the messages.
    const bare = roster.split('\n').map((l) => (l ? [l.split(',')[0], l.split(',')[4]].join(',') : l)).join('\n').replace('clinician_id,fte', 'clinician_id,fte');
    await agree(write(dir, 'messages.csv', csv), write(dir, 'roster.csv', bare));
  });
});
