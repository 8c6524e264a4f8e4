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

  it('counts the same with seven bounds as with six, and with the bounds given in any order (one count per message, by its shortest bound, issue 16)', async () => {
    // ≤ 10 min: 0, 1/6 → 2 of 7; ≤ 2 h: 3; ≤ 3 h: 4; ≤ 24 h: 4; ≤ 64 h: 5; ≤ 72 h: 5; ≤ 100 h: 5.
    // Pending: m13 watched 46 h, under both largest bounds (72 h, 100 h); m08 108 h, over both: 1 either way.
    const six = await contextOf(HAND_MADE, { metric: { within: parseWithin('10m,2h,3h,24h,64h,72h') } });
    const seven = await contextOf(HAND_MADE, { metric: { within: parseWithin('10m,2h,3h,24h,64h,72h,100h') } });
    const without100 = (row: Record<string, unknown>) => Object.fromEntries(Object.entries(row).filter(([k]) => !k.endsWith('_100h')));
    for (const dims of [[], ['role'], ['category']] as const) {
      expect(latency(six, [...dims]).rows).toEqual(latency(seven, [...dims]).rows.map(without100));
    }
    const overall = latency(six, []).rows[0]!;
    const shares = [overall.pct_within_10m, overall.pct_within_2h, overall.pct_within_3h, overall.pct_within_24h, overall.pct_within_64h, overall.pct_within_72h];
    expect(shares.map((v) => Math.round(((v as number) * 7) / 100))).toEqual([2, 3, 4, 4, 5, 5]);
    expect(overall.pending).toBe(1);
    expect(latency(seven, []).rows[0]!.pct_within_100h).toBeCloseTo(500 / 7, 10);
    // The same bounds out of order: the same shares under the same names, in the order given.
    const shuffled = await contextOf(HAND_MADE, { metric: { within: parseWithin('64h,10m,72h,3h,2h,24h') } });
    const again = latency(shuffled, []).rows[0]!;
    expect(Object.keys(again).filter((k) => k.startsWith('pct_within_')).slice(0, 3)).toEqual(['pct_within_64h', 'pct_within_10m', 'pct_within_72h']);
    for (const [name, value] of Object.entries(overall)) expect(again[name], name).toEqual(value);
  });

  it('censoring: pending and the Kaplan–Meier columns (as-of = the latest message, Mon 11 Mar 08:00)', () => {
    // Unanswered: m08 Wed 20:00 watched 108 h; m13 Sat 10:00 watched 46 h (< 72 h: pending).
    // KM over [0, 1/6, 2, 3, 64] and censorings 46, 108; at risk 7:
    //   0: 6/7; 1/6: 6/7 × 5/6 = 5/7; 2: 5/7 × 4/5 = 4/7; 3: 4/7 × 3/4 = 3/7 (≤ 0.5: km median 3);
    //   46: m13 leaves the risk set; 64: at risk {64, 108} → 3/7 × 1/2 = 3/14.
    // km_pct_within_24h = 100 (1 − 3/7) = 57.14 (the plain share too: nothing censored before 24 h);
    // km_pct_within_72h = 100 (1 − 3/14) = 78.57, where the plain share says 5/7 = 71.43.
    const row = latency(context, []).rows[0]!;
    expect(row).toMatchObject({ pending: 1, km_median_hours: 3 });
    expect(row.km_pct_within_24h).toBeCloseTo(100 * (1 - 3 / 7), 10);
    expect(row.km_pct_within_72h).toBeCloseTo(100 * (1 - 3 / 14), 10);
  });

  it('a curve exactly at 0.5 over an interval: the median is its midpoint, as R reports', async () => {
    // --latency-index each: answered [0, 1/6, 2, 2.5, 3, 64] of 8: S 7/8, 6/8, 5/8, 4/8 at 2.5 — exactly 0.5
    // until the next reply at 3 (3/8): km_median_hours = (2.5 + 3) / 2 = 2.75.
    const each = await contextOf(HAND_MADE, { metric: { latencyIndex: 'each' } });
    expect(latency(each, []).rows[0]!.km_median_hours).toBe(2.75);
  });

  it('an all-censored group and a single message', () => {
    const rows = latency(context, ['category']).rows;
    // referral: m13 only, unanswered (watched 46 h): S stays 1, no median, 0 % within.
    expect(rows.find((r) => r.category === 'referral')).toMatchObject({ index_messages: 1, pending: 1, km_median_hours: null, km_pct_within_24h: 0, km_pct_within_72h: 0 });
    // medical_question: m11 alone, answered in 64 h: S drops to 0 at 64 h, the median is 64.
    expect(rows.find((r) => r.category === 'medical_question')).toMatchObject({ km_median_hours: 64, km_pct_within_24h: 0, km_pct_within_72h: 100 });
  });

  it('a reply and a censoring at the same time: the reply comes first', async () => {
    // Two threads: p1 09:00 answered 11:00 (2 h); p2 12:00 unanswered, as-of 14:00 (watched 2 h).
    // At 2 h both are at risk: S = 1 − 1/2 = 0.5 with nothing after it, so the median is 2 (no later drop).
    const csv = 'message_id,thread_id,sent_at,sender_type,sender_id,patient_id\na,t1,2024-03-04 09:00,patient,,p1\nb,t1,2024-03-04 11:00,clinician,C,p1\nc,t2,2024-03-04 12:00,patient,,p2\n';
    const tied = await contextOf(csv, { roster: null, options: { asOf: '2024-03-04T14:00' } });
    expect(latency(tied, []).rows[0]).toMatchObject({ index_messages: 2, answered: 1, pending: 1, km_median_hours: 2, km_pct_within_24h: 50 });
  });

  it('--ci: Wilson intervals after every share, log-log intervals after every Kaplan–Meier column', async () => {
    const ci = await contextOf(HAND_MADE, { metric: { ciLevel: 95 } });
    const { columns, rows } = latency(ci, []);
    const names = columns.map((c) => c.name);
    expect(names.slice(names.indexOf('pct_within_24h'), names.indexOf('pct_within_24h') + 3)).toEqual(['pct_within_24h', 'pct_within_24h_lo', 'pct_within_24h_hi']);
    expect(names.slice(-9)).toEqual(['km_median_hours', 'km_median_hours_lo', 'km_median_hours_hi', 'km_pct_within_24h', 'km_pct_within_24h_lo', 'km_pct_within_24h_hi', 'km_pct_within_72h', 'km_pct_within_72h_lo', 'km_pct_within_72h_hi']);
    // 4 of 7 within 24 h: prop.test(4, 7, correct = FALSE)$conf.int × 100 = 25.0458364528 to 84.1780144749 (R 4.2.2).
    expect(rows[0]!.pct_within_24h_lo).toBeCloseTo(25.0458364528, 8);
    expect(rows[0]!.pct_within_24h_hi).toBeCloseTo(84.1780144749, 8);
  });

  it('bounds are exact to the millisecond: --within 65m includes a reply at 65 minutes', async () => {
    const csv = 'message_id,thread_id,sent_at,sender_type,sender_id,patient_id\na,t1,2024-03-04 09:00,patient,,p1\nb,t1,2024-03-04 10:05,clinician,C,p1\n';
    const exact = await contextOf(csv, { roster: null, metric: { within: parseWithin('65m') } });
    // 65 min = 3,900,000 ms; as hours 65/60 × 3,600,000 is 3,899,999.9999… and would miss it.
    expect(latency(exact, []).rows[0]).toMatchObject({ pct_within_65m: 100, km_pct_within_65m: 100 });
  });
});
