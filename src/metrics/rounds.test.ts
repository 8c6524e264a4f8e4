import { describe, expect, it } from 'vitest';
import { contextOf, HAND_MADE } from '../../test/support/context.js';
import { roundCounts, rounds } from './rounds.js';

// Runs and rounds of the hand-made threads:
//   t1 C P C = 1 (the opening clinician run is not a round)    duration 09:00-12:00 = 3 h
//   t2 P C P = 1 (the last patient run has no reply)            Tue 08:00 - Wed 20:00 = 36 h
//   t3 P C   = 1                                                0
//   t4 P C   = 1                                                Fri 16:00 - Mon 08:00 = 64 h
//   t5 P     = 0                                                0
//   t6 P C   = 1 (C C C is one run)                             18:40-19:20 = 2/3 h
//   t7 C     = 0                                                0
// 7 threads, 18 messages, rounds [0,0,1,1,1,1,1]: mean 5/7, median 1, all ≤ 4.
// Durations sorted [0, 0, 0, 2/3, 3, 36, 64]: median 2/3.

describe('rounds (SPEC 2.4)', async () => {
  const context = await contextOf(HAND_MADE);

  it('overall', () => {
    const row = rounds(context, []).rows[0]!;
    expect(row).toMatchObject({ threads: 7, messages: 18, median_rounds: 1, pct_le_4_rounds: 100, rounds_0: 2, rounds_1: 5, rounds_2: 0, rounds_3: 0, rounds_4: 0, rounds_5_plus: 0 });
    expect(row.mean_rounds).toBeCloseTo(5 / 7, 12);
    expect(row.median_duration_hours).toBeCloseTo(2 / 3, 12);
  });

  it('by role: the thread attribution (t1 opened by A; t7 by B)', () => {
    const rows = rounds(context, ['role']).rows;
    expect(rows.map((r) => [r.role, r.threads])).toEqual([['physician', 5], ['rn', 2]]);
  });

  it('counts many rounds and the 5+ bucket', async () => {
    // P C P C P C P C P C P C: 6 rounds -> rounds_5_plus, not ≤ 4.
    const lines = ['message_id,thread_id,sent_at,sender_type,sender_id,patient_id'];
    for (let k = 0; k < 12; k++) lines.push(`x${String(k).padStart(2, '0')},t,2024-03-04 ${String(8 + k).padStart(2, '0')}:00,${k % 2 ? 'clinician' : 'patient'},${k % 2 ? 'A' : ''},p`);
    const row = rounds(await contextOf(lines.join('\n') + '\n', { roster: null }), []).rows[0]!;
    expect(row).toMatchObject({ threads: 1, messages: 12, mean_rounds: 6, rounds_5_plus: 1, pct_le_4_rounds: 0, median_duration_hours: 11 });
  });

  it('gives the same table from counts by (group, rounds) as from each group’s values, which it uses when the counts would not fit', async () => {
    const { generatedExport } = await import('../../test/support/fixtures.js');
    const generated = await contextOf(generatedExport({ threads: 400, seed: 5, start: '2024-01-08', days: 90 }).csv, { roster: null });
    const withCounts = ['role', 'clinician', 'month'].map((d) => rounds(generated, [d as 'role']).rows);
    const saved = roundCounts.max;
    roundCounts.max = 0;
    try {
      const fresh = await contextOf(generatedExport({ threads: 400, seed: 5, start: '2024-01-08', days: 90 }).csv, { roster: null });
      expect(['role', 'clinician', 'month'].map((d) => rounds(fresh, [d as 'role']).rows)).toEqual(withCounts);
    } finally {
      roundCounts.max = saved;
    }
    expect(withCounts[0]!.length).toBeGreaterThan(1);
    expect(withCounts[0]!.some((r) => r.rounds_5_plus! > 0 || r.median_rounds !== 1)).toBe(true);
  });
});
