/**
 * A realistic synthetic message export (SPEC 5): clinician roles in
 * departments, the six task categories, diurnal sending patterns, replies
 * mostly in business hours with some after-hours work, multi-round threads
 * and a few unanswered ones. Deterministic for a seed. No real data.
 */

/** mulberry32: a small, fast, seeded PRNG. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GenerateOptions {
  threads: number;
  seed: number;
  /** First day (YYYY-MM-DD) of the export. */
  start: string;
  days: number;
  /** Clinicians; default scales with threads. */
  clinicians?: number;
}

export interface Clinician {
  id: string;
  role: string;
  /** How the role is spelled on message rows (raw export values). */
  rawRole: string;
  department: number;
  fte: number;
}

const DEPARTMENTS = [
  { name: 'Family Medicine', setting: 'primary_care' },
  { name: 'Internal Medicine', setting: 'primary_care' },
  { name: 'Pediatrics', setting: 'primary_care' },
  { name: 'Cardiology', setting: 'specialty' },
  { name: 'Endocrinology', setting: 'specialty' },
  { name: 'Oncology', setting: 'specialty' },
  { name: 'Dermatology', setting: 'specialty' },
  { name: 'Gastroenterology', setting: 'specialty' },
] as const;

/** Team make-up per department: role, share, raw spellings seen on message rows. */
const TEAM: ReadonlyArray<readonly [string, number, readonly string[]]> = [
  ['physician', 0.3, ['MD', 'Physician', 'DO', 'physician']],
  ['app', 0.15, ['NP', 'Nurse Practitioner', 'PA', 'Physician Assistant']],
  ['resident', 0.08, ['Resident', 'Fellow']],
  ['rn', 0.2, ['RN', 'Registered Nurse']],
  ['lpn', 0.04, ['LPN']],
  ['ma', 0.1, ['MA', 'Medical Assistant']],
  ['pharmacist', 0.03, ['PharmD', 'Pharmacist']],
  ['staff', 0.1, ['Front Desk', 'Scheduler', 'Administrative', 'Patient Access Rep']],
];

/** Category: weight, chance that a patient replies again (more rounds), raw label, responders. */
const CATEGORIES: ReadonlyArray<{ name: string; weight: number; more: number; label: string; responders: readonly string[] }> = [
  { name: 'medical_question', weight: 0.3, more: 0.4, label: 'Patient Medical Advice Request', responders: ['rn', 'physician', 'app', 'resident'] },
  { name: 'prescription', weight: 0.24, more: 0.2, label: 'Medication Renewal Request', responders: ['rn', 'pharmacist', 'physician', 'lpn'] },
  { name: 'test_results', weight: 0.16, more: 0.35, label: 'Test Results Question', responders: ['physician', 'app', 'rn'] },
  { name: 'scheduling', weight: 0.15, more: 0.15, label: 'Appointment Request', responders: ['staff', 'ma'] },
  { name: 'visit_followup', weight: 0.1, more: 0.35, label: 'Visit Follow-Up Question', responders: ['physician', 'app', 'rn', 'ma'] },
  { name: 'referral', weight: 0.05, more: 0.3, label: 'Referral Request', responders: ['staff', 'rn', 'physician'] },
];

// Patient sending by hour of day: a morning peak, a lunch bump and an evening peak.
const PATIENT_HOURS = [1, 0.6, 0.4, 0.3, 0.4, 1, 2.5, 5, 7.5, 8, 7.5, 7, 7, 7, 6.5, 6, 6, 6.5, 6.5, 7, 6.5, 5, 3.5, 2];
const PATIENT_WEEKDAYS = [1, 0.95, 0.95, 0.92, 0.88, 0.45, 0.45]; // mon..sun

const MS_MINUTE = 60_000;
const MS_HOUR = 3_600_000;
const MS_DAY = 86_400_000;

function cumulative(weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  let sum = 0;
  return weights.map((w) => (sum += w / total));
}

function pick(cdf: readonly number[], r: number): number {
  let i = 0;
  while (i < cdf.length - 1 && r > cdf[i]!) i++;
  return i;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `YYYY-MM-DD HH:MM:SS` of a naive (wall-clock) epoch ms. */
export function wallClock(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function weekday(ms: number): number {
  return (Math.floor(ms / MS_DAY) + 3) % 7; // 0 = Monday
}

/** The columns of the generated export. `subject` stands in for message text: it is never read. */
export const HEADER = ['message_id', 'thread_id', 'sent_at', 'sender_type', 'sender_id', 'sender_role', 'patient_id', 'recipient_id', 'category', 'department', 'care_setting', 'subject'];

export interface Generated {
  clinicians: Clinician[];
  departments: typeof DEPARTMENTS;
}

/**
 * Generates the export as CSV text in batches (header first); the generator's
 * return value lists the clinicians, for the roster.
 */
export function* generate(options: GenerateOptions): Generator<string, Generated> {
  const rand = random(options.seed);
  const start = Date.parse(`${options.start}T00:00:00Z`);
  const clinicianCount = options.clinicians ?? Math.max(24, Math.round(options.threads / 120));
  const teamCdf = cumulative(TEAM.map((t) => t[1]));
  const categoryCdf = cumulative(CATEGORIES.map((c) => c.weight));
  const hourCdf = cumulative(PATIENT_HOURS);
  const weekdayWeight = PATIENT_WEEKDAYS;

  // Clinicians: every department gets at least one of each role, the rest at random.
  const clinicians: Clinician[] = [];
  const byDepartmentRole = new Map<string, number[]>();
  const addClinician = (department: number, team: number) => {
    const [role, , raw] = TEAM[team]!;
    const index = clinicians.length;
    clinicians.push({
      id: `C${pad(index + 1, 4)}`,
      role,
      rawRole: raw[Math.floor(rand() * raw.length)]!,
      department,
      fte: [1, 1, 1, 0.9, 0.8, 0.6, 0.5][Math.floor(rand() * 7)]!,
    });
    const key = `${department}:${role}`;
    (byDepartmentRole.get(key) ?? byDepartmentRole.set(key, []).get(key)!).push(index);
  };
  for (let d = 0; d < DEPARTMENTS.length; d++) for (let t = 0; t < TEAM.length; t++) addClinician(d, t);
  while (clinicians.length < clinicianCount) addClinician(Math.floor(rand() * DEPARTMENTS.length), pick(teamCdf, rand()));
  const primaries = clinicians.filter((c) => c.role === 'physician' || c.role === 'app' || c.role === 'resident');

  const patientCount = Math.max(50, Math.round(options.threads / 2.5));
  let messageNumber = 0;
  const lines: string[] = [HEADER.join(',')];
  const flush = () => {
    const text = lines.join('\n') + '\n';
    lines.length = 0;
    return text;
  };

  const emit = (thread: string, time: number, type: string, sender: Clinician | null, patient: string, recipient: string, category: string, department: number, subject: string) => {
    messageNumber++;
    const dept = DEPARTMENTS[department]!;
    const role = sender ? (rand() < 0.02 ? '' : sender.rawRole) : '';
    lines.push(
      `M${pad(messageNumber, 7)},${thread},${wallClock(time)},${type},${sender ? sender.id : ''},${role},${patient},${recipient},${category},${dept.name},${dept.setting},${subject}`,
    );
  };

  /** Moves a clinician's send time into work hours most of the time; the rest is after-hours work. */
  const clinicianTime = (t: number, physicianLike: boolean): number => {
    const day = Math.floor(t / MS_DAY) * MS_DAY;
    const hour = (t - day) / MS_HOUR;
    const workDay = weekday(t) < 5;
    if (workDay && hour >= 7 && hour < 17) return t;
    const afterHoursChance = physicianLike ? 0.3 : 0.1;
    if (rand() < afterHoursChance) {
      // After-hours work: the evening band, a late-evening session, or a weekend.
      if (workDay && hour >= 17) return t;
      if (workDay) return day + (17 + rand() * 5) * MS_HOUR; // early morning message answered that evening
      return t;
    }
    // Next work-day slot between 07:30 and 16:30.
    let next = hour >= 17 || !workDay ? day + MS_DAY : day;
    while (weekday(next) >= 5) next += MS_DAY;
    return next + (7.5 + rand() * 9) * MS_HOUR;
  };

  for (let t = 0; t < options.threads; t++) {
    const thread = `T${pad(t + 1, 7)}`;
    const patientNumber = Math.floor(rand() * patientCount);
    const patient = `P${pad(patientNumber + 1, 6)}`;
    const primary = primaries[patientNumber % primaries.length]!;
    const department = primary.department;
    const category = CATEGORIES[pick(categoryCdf, rand())]!;
    const categoryText = rand() < 0.5 ? category.name : category.label;
    const pool = `POOL-${DEPARTMENTS[department]!.name.split(' ')[0]!.toUpperCase()}`;
    const responderOf = (): Clinician => {
      const role = category.responders[Math.floor(rand() * category.responders.length)]!;
      if ((role === 'physician' || role === 'app' || role === 'resident') && rand() < 0.7) return primary;
      const team = byDepartmentRole.get(`${department}:${role}`)!;
      return clinicians[team[Math.floor(rand() * team.length)]!]!;
    };

    // The opening time: a day weighted by weekday, an hour from the patient curve.
    let day: number;
    do day = start + Math.floor(rand() * options.days) * MS_DAY;
    while (rand() > weekdayWeight[weekday(day)]!);
    let time = day + (pick(hourCdf, rand()) + rand()) * MS_HOUR;

    const subject = category.label.replace(/,/g, '');
    if (rand() < 0.07) {
      // A clinician opens the thread (results released, a check-in); the patient may answer.
      const opener = responderOf();
      time = clinicianTime(time, opener.role === 'physician');
      emit(thread, time, 'clinician', opener, patient, '', categoryText, department, subject);
      if (rand() < 0.5) {
        emit(thread, time + (1 + rand() * 30) * MS_HOUR, 'patient', null, patient, opener.id, categoryText, department, `RE: ${subject}`);
      }
      if (rand() < 0.3) continue;
      time += (2 + rand() * 40) * MS_HOUR;
    }
    let rounds = 0;
    for (;;) {
      rounds++;
      const recipient = rand() < 0.7 ? primary.id : pool;
      const runLength = rand() < 0.85 ? 1 : rand() < 0.8 ? 2 : 3;
      for (let m = 0; m < runLength; m++) {
        if (m > 0) time += (5 + rand() * 240) * MS_MINUTE;
        emit(thread, time, 'patient', null, patient, recipient, categoryText, department, m === 0 ? subject : 'Adding to my message');
      }
      if (rand() < 0.035) break; // unanswered
      const responder = responderOf();
      const simple = category.more < 0.25;
      // Log-normal delay: median ~3 h for simple tasks, ~8 h for complex ones.
      const median = simple ? 3 : 8;
      const delay = Math.exp(Math.log(median) + 1.1 * Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand()));
      time = clinicianTime(time + Math.min(delay, 24 * 9) * MS_HOUR, responder.role === 'physician' || responder.role === 'app');
      emit(thread, time, 'clinician', responder, patient, '', categoryText, department, `RE: ${subject}`);
      if (rand() < 0.08) {
        time += (2 + rand() * 50) * MS_MINUTE;
        emit(thread, time, 'clinician', rand() < 0.5 ? responder : responderOf(), patient, '', categoryText, department, `RE: ${subject}`);
      }
      if (rounds >= 9 || rand() > category.more) break;
      time += (0.5 + rand() * 30) * MS_HOUR;
    }
    if (rand() < 0.01) {
      messageNumber++;
      lines.push(`M${pad(messageNumber, 7)},${thread},${wallClock(time + MS_HOUR)},system,,,${patient},,${categoryText},${DEPARTMENTS[department]!.name},${DEPARTMENTS[department]!.setting},Automated reminder`);
    }
    if (lines.length >= 20_000) yield flush();
  }
  if (lines.length > 0) yield flush();
  return { clinicians, departments: DEPARTMENTS };
}

/** The whole generated export as one text, with what the roster needs (for small exports: tests, --shape). */
export function generateText(options: GenerateOptions): { csv: string; generated: Generated } {
  const batches = generate(options);
  let csv = '';
  let next = batches.next();
  while (!next.done) {
    csv += next.value;
    next = batches.next();
  }
  return { csv, generated: next.value };
}

/** The roster matching a generated export: canonical roles, departments, care settings, FTE. */
export function rosterCsv(generated: Generated): string {
  const lines = ['clinician_id,role,department,care_setting,fte'];
  for (const c of generated.clinicians) {
    const d = generated.departments[c.department]!;
    lines.push(`${c.id},${c.role},${d.name},${d.setting},${c.fte}`);
  }
  return lines.join('\n') + '\n';
}
