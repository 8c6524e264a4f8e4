import { describe, expect, it } from 'vitest';
import { contextOf, HAND_MADE } from '../../test/support/context.js';
import { afterHours } from './after-hours.js';

// Clinician messages of the hand-made export and the work window (mon-fri 07:00-17:00):
//   in:  m01 Mon 09:00, m03 Mon 12:00, m06 Tue 11:00, m07 Tue 11:05, m10 Thu 09:00, m12 Mon 08:00
//   out: m15 Wed 18:50 (evening band 17-19), m16 Wed 19:00 (band ends at 19:00), m17 Wed 19:20, m18 Sat 11:00
// Sessions (gap 15 min, +2 min): A [18:50, 19:00] = 10 + 2 = 12 and [19:20] = 2 (20 min after 19:00);
// B [Sat 11:00] = 2. Total 16 min. Weeks = 8 days / 7.

describe('after hours (SPEC 2.2)', async () => {
  const context = await contextOf(HAND_MADE);

  it('overall', () => {
    expect(afterHours(context, []).rows[0]).toEqual({
      clinicians: 3,
      messages_sent: 10,
      after_hours_messages: 4,
      pct_after_hours: 40,
      evening_messages: 1,
      pct_evening: 10,
      after_hours_days: 2, // A on 03-06, B on 03-09
      est_after_hours_minutes: 16,
      est_after_hours_minutes_per_clinician_week: 16 / 3 / (8 / 7),
    });
  });

  it('by role', () => {
    const rows = afterHours(context, ['role']).rows;
    // physician (A, C): 7 sent, 3 after hours, A's 14 minutes; 14 / 2 / (8/7) = 6.125.
    expect(rows[0]).toMatchObject({ role: 'physician', clinicians: 2, messages_sent: 7, after_hours_messages: 3, evening_messages: 1, after_hours_days: 1, est_after_hours_minutes: 14, est_after_hours_minutes_per_clinician_week: 6.125 });
    // rn (B): 3 sent, 1 after hours (Saturday), 2 minutes; 2 / 1 / (8/7) = 1.75.
    expect(rows[1]).toMatchObject({ role: 'rn', clinicians: 1, messages_sent: 3, after_hours_messages: 1, pct_after_hours: 100 / 3, after_hours_days: 1, est_after_hours_minutes: 2, est_after_hours_minutes_per_clinician_week: 1.75 });
  });

  it('credits a session to the groups of its first message', () => {
    // By hour: A's first session starts at 18:50 (hour 18) and holds 19:00; the second starts at 19:20.
    const rows = afterHours(context, ['hour']).rows;
    expect(rows.find((r) => r.hour === '18')).toMatchObject({ after_hours_messages: 1, est_after_hours_minutes: 12 });
    expect(rows.find((r) => r.hour === '19')).toMatchObject({ after_hours_messages: 2, est_after_hours_minutes: 2 });
  });

  it('follows --session-gap and --minutes-per-message', async () => {
    // Gap 30: A's three messages are one session 18:50-19:20 = 30 + 5 = 35; B 5. Total 40.
    const wide = await contextOf(HAND_MADE, { metric: { sessionGapMinutes: 30, minutesPerMessage: 5 } });
    expect(afterHours(wide, []).rows[0]!.est_after_hours_minutes).toBe(40);
  });

  it('keeps a message exactly --session-gap after the previous one in the session', async () => {
    // 20:00, 20:15 (gap = 15, not more: same session), 20:31 (16: new). (15 + 2) + 2 = 19 minutes.
    const csv = ['message_id,thread_id,sent_at,sender_type,sender_id,patient_id', 'a,t,2024-03-04 20:00,clinician,A,p', 'b,t,2024-03-04 20:15,clinician,A,p', 'c,t,2024-03-04 20:31,clinician,A,p'].join('\n');
    expect(afterHours(await contextOf(csv, { roster: null }), []).rows[0]!.est_after_hours_minutes).toBe(19);
  });

  it('counts a holiday as outside the window', async () => {
    // With Monday 2024-03-04 a holiday, m01 and m03 move out too: 4 + 2 = 6 after hours.
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const file = `${mkdtempSync('/tmp/msgwork-h-')}/h.txt`;
    writeFileSync(file, '2024-03-04\n');
    const holiday = await contextOf(HAND_MADE, { options: { holidays: file } });
    expect(afterHours(holiday, []).rows[0]).toMatchObject({ after_hours_messages: 6, pct_after_hours: 60 });
  });
});
