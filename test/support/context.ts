import { parseWithin, type MetricContext, type MetricSettings } from '../../src/metrics/context.js';
import { analyse } from '../../src/commands/context.js';
import { metricContext } from '../../src/commands/metrics.js';
import { inputSettings, type RawOptions } from '../../src/options.js';
import { tempDir, write } from './fixtures.js';

/**
 * The hand-made export of the metric tests (UTC; work window mon-fri 07:00-17:00;
 * 2024-03-04 is a Monday). Threads:
 *   t1  opened by clinician A, then patient, then A            (a clinician-opened thread)
 *   t2  patient, patient, B, A (double reply), patient at 20:00 (consecutive patient messages, unanswered second run)
 *   t3  patient to POOL and B at the same second                (equal timestamps; pool answered by B)
 *   t4  patient Friday 16:00 to POOL, C replies Monday 08:00    (across a weekend; category only on the reply)
 *   t5  one patient message on Saturday to A                    (an unanswered thread)
 *   t6  patient 18:40, A 18:50, 19:00, 19:20                     (after-hours sessions)
 *   t7  B alone on Saturday, no category                        (clinician only)
 * Roster: A physician fte 1, B rn in Medicine fte 0.5, C physician fte 0.8
 * (C's messages say NP: the roster overrides them).
 */
export const HAND_MADE = `message_id,thread_id,sent_at,sender_type,sender_id,sender_role,patient_id,recipient_id,category,department
m01,t1,2024-03-04 09:00,clinician,A,MD,p1,,test results,Clinic
m02,t1,2024-03-04 10:00,patient,,,p1,A,test results,Clinic
m03,t1,2024-03-04 12:00,clinician,A,MD,p1,,test results,Clinic
m04,t2,2024-03-05 08:00,patient,,,p2,A,Refill,Clinic
m05,t2,2024-03-05 08:30,patient,,,p2,A,Refill,Clinic
m06,t2,2024-03-05 11:00,clinician,B,RN,p2,,Refill,Clinic
m07,t2,2024-03-05 11:05,clinician,A,MD,p2,,Refill,Clinic
m08,t2,2024-03-06 20:00,patient,,,p2,A,Refill,Clinic
m10,t3,2024-03-07 09:00,clinician,B,RN,p3,,Appointment Request,Clinic
m09,t3,2024-03-07 09:00,patient,,,p3,POOL,Appointment Request,Clinic
m11,t4,2024-03-08 16:00,patient,,,p4,POOL,,Clinic
m12,t4,2024-03-11 08:00,clinician,C,NP,p4,,medical question,Clinic
m13,t5,2024-03-09 10:00,patient,,,p1,A,referral,Clinic
m14,t6,2024-03-06 18:40,patient,,,p3,A,visit follow-up,Clinic
m15,t6,2024-03-06 18:50,clinician,A,MD,p3,,visit follow-up,Clinic
m16,t6,2024-03-06 19:00,clinician,A,MD,p3,,visit follow-up,Clinic
m17,t6,2024-03-06 19:20,clinician,A,MD,p3,,visit follow-up,Clinic
m18,t7,2024-03-09 11:00,clinician,B,RN,p4,,,Clinic
`;

export const HAND_MADE_ROSTER = `clinician_id,role,department,care_setting,fte
A,physician,,,1
B,rn,Medicine,,0.5
C,physician,,,0.8
`;

/** Runs the real input pipeline on a CSV text and returns the metric context. */
export async function contextOf(
  csv: string,
  { roster = HAND_MADE_ROSTER as string | null, options = {} as RawOptions, metric = {} as Partial<MetricSettings> } = {},
): Promise<MetricContext> {
  const dir = tempDir();
  const file = write(dir, 'messages.csv', csv);
  const raw: RawOptions = { timezone: 'UTC', ...options };
  if (roster !== null) raw.roster = write(dir, 'roster.csv', roster);
  const analysis = await analyse(inputSettings([file], { ...raw, quiet: true }));
  return metricContext(analysis, {
    evening: { start: 17 * 60, end: 19 * 60 },
    sessionGapMinutes: 15,
    minutesPerMessage: 2,
    latencyIndex: 'first',
    within: parseWithin('24h,72h'),
    ...metric,
  });
}
