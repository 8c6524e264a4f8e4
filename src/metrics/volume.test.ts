import { describe, expect, it } from 'vitest';
import { contextOf, HAND_MADE } from '../../test/support/context.js';
import { volume } from './volume.js';

// The hand-made export (test/support/context.ts): clinician messages A 6 (m01 m03 m07 m15 m16 m17),
// B 3 (m06 m10 m18), C 1 (m12) = 10; patient messages 8, attributed A 6 (m02 m04 m05 m08 m13 m14),
// B 1 (m09, answered by B), C 1 (m11). Window 2024-03-04 … 2024-03-11 = 8 days, weeks = 8/7.

describe('volume (SPEC 2.1)', async () => {
  const context = await contextOf(HAND_MADE);

  it('overall', () => {
    const { rows } = volume(context, []);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toEqual({
      clinicians: 3,
      messages_sent: 10,
      pct_of_clinician_messages: 100,
      mean_per_clinician: 10 / 3,
      median_per_clinician: 3, // median of 6, 3, 1
      patient_messages: 8,
      patients: 4,
      threads: 7,
    });
  });

  it('by role, with the roster overriding the NP on C\'s messages', () => {
    const { rows, total } = volume(context, ['role']);
    expect(rows.map((r) => r.role)).toEqual(['physician', 'rn']);
    // physician = A + C: sent 6 + 1 = 7 (70 %), mean 3.5, median of 1 and 6 = 3.5,
    // patient messages 6 + 1 = 7, patients p1-p4, threads t1 t2 t4 t5 t6.
    expect(rows[0]).toMatchObject({ clinicians: 2, messages_sent: 7, pct_of_clinician_messages: 70, mean_per_clinician: 3.5, median_per_clinician: 3.5, patient_messages: 7, patients: 4, threads: 5 });
    // rn = B: sent 3 (30 %), patient message m09, patients p2 p3 p4, threads t2 t3 t7.
    expect(rows[1]).toMatchObject({ clinicians: 1, messages_sent: 3, pct_of_clinician_messages: 30, mean_per_clinician: 3, median_per_clinician: 3, patient_messages: 1, patients: 3, threads: 3 });
    expect(total).toMatchObject({ clinicians: 3, messages_sent: 10 });
  });

  it('without the roster, C is an app from the NP on the messages', async () => {
    const bare = await contextOf(HAND_MADE, { roster: null });
    expect(volume(bare, ['role']).rows.map((r) => [r.role, r.messages_sent])).toEqual([['physician', 6], ['app', 1], ['rn', 3]]);
  });

  it('by category: the message\'s own category', () => {
    const rows = volume(context, ['category']).rows;
    // m11 (patient) and m18 (clinician) have none.
    expect(rows.find((r) => r.category === 'unknown')).toMatchObject({ messages_sent: 1, patient_messages: 1, threads: 2 });
    expect(rows.find((r) => r.category === 'prescription')).toMatchObject({ messages_sent: 2, patient_messages: 3, clinicians: 2 });
  });

  it('by clinician', () => {
    const { columns, rows } = volume(context, ['clinician']);
    expect(columns.map((c) => c.name)).toEqual(['clinician_id', 'role', 'department', 'care_setting', 'messages_sent', 'messages_received', 'threads', 'patients', 'active_days', 'messages_per_active_day', 'messages_per_fte_week']);
    // A: active on 03-04, 03-05, 03-06 = 3 days, 6/3 = 2 a day; 6 / fte 1 / (8/7) = 5.25 a week.
    expect(rows[0]).toEqual({ clinician_id: 'A', role: 'physician', department: 'Clinic', care_setting: 'unknown', messages_sent: 6, messages_received: 6, threads: 4, patients: 3, active_days: 3, messages_per_active_day: 2, messages_per_fte_week: 5.25 });
    // B: department from the roster; 3 / 0.5 / (8/7) = 5.25. Received nothing: m09 went to POOL.
    expect(rows[1]).toEqual({ clinician_id: 'B', role: 'rn', department: 'Medicine', care_setting: 'unknown', messages_sent: 3, messages_received: 0, threads: 3, patients: 3, active_days: 3, messages_per_active_day: 1, messages_per_fte_week: 5.25 });
    // C: 1 / 0.8 / (8/7) = 1.09375.
    expect(rows[2]).toMatchObject({ clinician_id: 'C', messages_sent: 1, messages_received: 0, active_days: 1, messages_per_fte_week: 1.09375 });
  });

  it('leaves messages_received blank without recipient_id, and per-FTE blank without a roster fte', async () => {
    const noRecipient = HAND_MADE.split('\n').map((l) => l.split(',').filter((_, i) => i !== 7).join(',')).join('\n');
    const c = await contextOf(noRecipient, { roster: null });
    const a = volume(c, ['clinician']).rows[0]!;
    expect(a.messages_received).toBeNull();
    expect(a.messages_per_fte_week).toBeNull();
  });
});
