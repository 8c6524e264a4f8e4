import { describe, expect, it } from 'vitest';
import { contextOf, HAND_MADE } from '../../test/support/context.js';
import { parseWithin } from './context.js';
import { latency } from './latency.js';

// Index messages (first of each patient run) of the hand-made export, reply and latency:
//   m02 Mon 10:00 -> m03 12:00       2 h      business 2 h
//   m04 Tue 08:00 -> m06 11:00       3 h      business 3 h   (m05 continues the run; A's m07 is not the reply)
//   m08 Wed 20:00 -> none            unanswered
//   m09 Thu 09:00 -> m10 09:00       0 h      business 0     (equal timestamps, m09 < m10)
//   m11 Fri 16:00 -> m12 Mon 08:00   64 h     business 1 h Fri 16-17 + 1 h Mon 07-08 = 2 h
//   m13 Sat 10:00 -> none            unanswered
//   m14 Wed 18:40 -> m15 18:50       1/6 h    business 0
// 7 index, 5 answered: sorted [0, 1/6, 2, 3, 64]; median 2; p90: h = 4 × 0.9 = 3.6 -> 3 + 0.6 × 61 = 39.6;
// mean = 69.1667 / 5 = 13.8333. Within 24 h: 4 of 7; within 72 h: 5 of 7.
// Business sorted [0, 0, 2, 2, 3]: median 2; all 5 within 2 × 10 h: 5 of 7.

describe('latency (SPEC 2.3)', async () => {
  const context = await contextOf(HAND_MADE);

  it('overall', () => {
    const row = latency(context, []).rows[0]!;
    expect(row).toMatchObject({ index_messages: 7, answered: 5, unanswered: 2, median_hours: 2, median_business_hours: 2 });
    expect(row.p90_hours).toBeCloseTo(39.6, 10);
    expect(row.mean_hours).toBeCloseTo((0 + 1 / 6 + 2 + 3 + 64) / 5, 10);
    expect(row.pct_within_24h).toBeCloseTo((100 * 4) / 7, 10);
    expect(row.pct_within_72h).toBeCloseTo((100 * 5) / 7, 10);
    expect(row.pct_within_2_business_days).toBeCloseTo((100 * 5) / 7, 10);
  });

  it('by role: the attributed clinician (C answered the pool message across the weekend)', () => {
    const rows = latency(context, ['role']).rows;
    // physician: m02 m04 m08 m13 m14 (A) and m11 (C): 6 index, 4 answered [1/6, 2, 3, 64].
    expect(rows[0]).toMatchObject({ role: 'physician', index_messages: 6, answered: 4, unanswered: 2, median_hours: 2.5 });
    // rn: m09 to POOL, answered by B at once.
    expect(rows[1]).toMatchObject({ role: 'rn', index_messages: 1, answered: 1, median_hours: 0, pct_within_24h: 100 });
  });

  it("by category: the thread's first non-unknown category", () => {
    const rows = latency(context, ['category']).rows;
    expect(rows.find((r) => r.category === 'medical_question')).toMatchObject({ index_messages: 1, median_hours: 64, median_business_hours: 2, pct_within_24h: 0, pct_within_72h: 100 });
    // A group with no answered message has blank quantiles.
    expect(rows.find((r) => r.category === 'referral')).toMatchObject({ index_messages: 1, answered: 0, median_hours: null, p90_hours: null, mean_hours: null, pct_within_24h: 0 });
  });

  it('with --latency-index each, every patient message is an index message', async () => {
    // Adds m05 Tue 08:30 -> m06 11:00 = 2.5 h: answered [0, 1/6, 2, 2.5, 3, 64], median (2 + 2.5) / 2.
    const each = await contextOf(HAND_MADE, { metric: { latencyIndex: 'each' } });
    expect(latency(each, []).rows[0]).toMatchObject({ index_messages: 8, answered: 6, median_hours: 2.25 });
  });

  it('with --within, other calendar bounds (inclusive)', async () => {
    const custom = await contextOf(HAND_MADE, { metric: { within: parseWithin('2h,64h') } });
    const { columns, rows } = latency(custom, []);
    expect(columns.map((c) => c.name).filter((n) => n.startsWith('pct_within_'))).toEqual(['pct_within_2h', 'pct_within_64h', 'pct_within_2_business_days']);
    // ≤ 2 h: 0, 1/6, 2 -> 3 of 7; ≤ 64 h: all 5 -> 5 of 7.
    expect(rows[0]!.pct_within_2h).toBeCloseTo(300 / 7, 10);
    expect(rows[0]!.pct_within_64h).toBeCloseTo(500 / 7, 10);
  });
});
