/**
 * A deliberately simple, independent implementation of SPEC 2, for the
 * differential test: plain objects, csv-parse, a TZDate per message, loops
 * over whole threads, day-by-day business time. Slow and obvious on purpose.
 * It shares only the value vocabularies (SPEC 1.5) with msgwork.
 */
import { readFileSync } from 'node:fs';
import { TZDate } from '@date-fns/tz';
import { parse } from 'csv-parse/sync';
import { makeVocabularies } from '../../src/input/vocabulary.js';

type Value = number | string | null;
export type Rows = Record<string, Value>[];

interface Message {
  id: string;
  thread: string;
  time: number;
  patient: boolean;
  sender: string;
  role: string;
  patientId: string;
  recipient: string;
  category: string;
  department: string;
  careSetting: string;
  // local time
  date: string;
  hour: number;
  minute: number;
  weekday: number; // 0 = Monday
}

export interface ReferenceOptions {
  timezone: string;
  roster?: string;
  workStart: number; // hour
  workEnd: number;
  evening: [number, number]; // hours
  gapMinutes: number;
  perMessageMinutes: number;
}

function quantile7(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const x = [...values].sort((a, b) => a - b);
  // R's definition, 1-based: position 1 + (n - 1) p.
  const position = 1 + (x.length - 1) * p;
  const below = Math.floor(position);
  const fraction = position - below;
  const low = x[below - 1]!;
  const high = x[Math.min(below, x.length - 1)]!;
  return low + fraction * (high - low);
}

const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : null);
const pct = (a: number, b: number) => (b ? (100 * a) / b : null);

export function reference(csvFile: string, options: ReferenceOptions) {
  const vocab = makeVocabularies();
  const rows = parse(readFileSync(csvFile), { columns: true, bom: true }) as Record<string, string>[];
  const messages: Message[] = [];
  for (const r of rows) {
    if (r.sender_type === 'system') continue;
    const [date, time] = r.sent_at!.split(' ');
    const [y, mo, d] = date!.split('-').map(Number);
    const [h, mi, s] = time!.split(':').map(Number);
    const t = new TZDate(y!, mo! - 1, d!, h!, mi!, s ?? 0, options.timezone).getTime();
    const local = new TZDate(t, options.timezone);
    const category = vocab.category.normalize(r.category ?? '').value;
    messages.push({
      id: r.message_id!,
      thread: r.thread_id!,
      time: t,
      patient: r.sender_type === 'patient',
      sender: r.sender_id ?? '',
      role: r.sender_role ? vocab.role.normalize(r.sender_role).value : 'unknown',
      patientId: r.patient_id!,
      recipient: r.recipient_id ?? '',
      category,
      department: r.department ?? '',
      careSetting: r.care_setting ? vocab.careSetting.normalize(r.care_setting).value : 'unknown',
      date: `${local.getFullYear()}-${String(local.getMonth() + 1).padStart(2, '0')}-${String(local.getDate()).padStart(2, '0')}`,
      hour: local.getHours(),
      minute: local.getHours() * 60 + local.getMinutes(),
      weekday: (local.getDay() + 6) % 7,
    });
  }
  const byTime = (a: Message, b: Message) => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

  // Clinicians: roster, else the first sent message with a value.
  const roster = new Map<string, Record<string, string>>();
  if (options.roster) for (const r of parse(readFileSync(options.roster), { columns: true }) as Record<string, string>[]) roster.set(r.clinician_id!, r);
  const known = new Set<string>([...roster.keys()]);
  for (const m of messages) if (!m.patient) known.add(m.sender);
  const attribute = (id: string, field: 'role' | 'department' | 'careSetting'): string => {
    const r = roster.get(id);
    const rosterField = field === 'careSetting' ? 'care_setting' : field;
    if (r && r[rosterField]) return field === 'role' ? vocab.role.normalize(r.role!).value : r[rosterField]!;
    const sent = messages.filter((m) => !m.patient && m.sender === id && m[field] !== 'unknown' && m[field] !== '').sort(byTime);
    return sent.length ? sent[0]![field] : 'unknown';
  };
  const attributes = new Map<string, { role: string; department: string; careSetting: string; fte: number | null }>();
  for (const id of known) {
    const fte = roster.get(id)?.fte;
    attributes.set(id, { role: attribute(id, 'role'), department: attribute(id, 'department'), careSetting: attribute(id, 'careSetting'), fte: fte ? Number(fte) : null });
  }

  // Threads in order; replies; attribution.
  const threads = new Map<string, Message[]>();
  for (const m of messages) (threads.get(m.thread) ?? threads.set(m.thread, []).get(m.thread)!).push(m);
  const reply = new Map<Message, Message | null>();
  const clinicianOf = new Map<Message, string | null>();
  const threadInfo = new Map<string, { clinician: string | null; category: string; first: Message; messages: Message[] }>();
  for (const [id, list] of threads) {
    list.sort(byTime);
    list.forEach((m, i) => {
      const r = list.slice(i + 1).find((x) => !x.patient) ?? null;
      reply.set(m, r);
      if (!m.patient) clinicianOf.set(m, m.sender);
      else if (m.recipient && known.has(m.recipient)) clinicianOf.set(m, m.recipient);
      else clinicianOf.set(m, r ? r.sender : null);
    });
    threadInfo.set(id, {
      clinician: clinicianOf.get(list[0]!)!,
      category: list.find((m) => m.category !== 'unknown')?.category ?? 'unknown',
      first: list[0]!,
      messages: list,
    });
  }

  const dates = messages.map((m) => m.date).sort();
  const days = (Date.parse(dates.at(-1)!) - Date.parse(dates[0]!)) / 86_400_000 + 1;
  const weeks = days / 7;

  const clinicianLabel = (dim: string, c: string | null): string => {
    if (c === null) return 'unattributed';
    if (dim === 'clinician') return c;
    return attributes.get(c)![dim === 'care_setting' ? 'careSetting' : (dim as 'role' | 'department')];
  };
  const label = (dim: string, kind: 'message' | 'index' | 'thread', m: Message): string => {
    const clinician = kind === 'thread' ? threadInfo.get(m.thread)!.clinician : clinicianOf.get(m)!;
    if (['role', 'department', 'care_setting', 'clinician'].includes(dim)) return clinicianLabel(dim, clinician);
    if (dim === 'category') return kind === 'message' ? m.category : threadInfo.get(m.thread)!.category;
    throw new Error(dim);
  };
  const groupBy = <T>(items: T[], key: (t: T) => string) => {
    const groups = new Map<string, T[]>();
    for (const item of items) (groups.get(key(item)) ?? groups.set(key(item), []).get(key(item))!).push(item);
    return groups;
  };
  const column = (dim: string) => (dim === 'clinician' ? 'clinician_id' : dim);

  function volume(dims: string[]): Rows {
    const groups = groupBy(messages, (m) => dims.map((d) => label(d, 'message', m)).join('|'));
    const allSent = messages.filter((m) => !m.patient).length;
    return [...groups].map(([key, list]) => {
      const row: Record<string, Value> = Object.fromEntries(dims.map((d, i) => [column(d), key.split('|')[i]!]));
      const sent = list.filter((m) => !m.patient);
      const perClinician = [...groupBy(sent, (m) => m.sender).values()].map((l) => l.length);
      const threadsSeen = new Set(list.map((m) => m.thread)).size;
      const patients = new Set(list.map((m) => m.patientId)).size;
      if (dims.includes('clinician')) {
        const id = row.clinician_id as string;
        const a = attributes.get(id);
        const activeDays = new Set(sent.map((m) => m.date)).size;
        return {
          ...row,
          role: a ? a.role : null,
          department: a ? a.department : null,
          care_setting: a ? a.careSetting : null,
          messages_sent: sent.length,
          messages_received: list.filter((m) => m.patient && m.recipient === id).length,
          threads: threadsSeen,
          patients,
          active_days: activeDays,
          messages_per_active_day: activeDays ? sent.length / activeDays : null,
          messages_per_fte_week: a?.fte ? sent.length / a.fte / weeks : null,
        };
      }
      return {
        ...row,
        clinicians: perClinician.length,
        messages_sent: sent.length,
        pct_of_clinician_messages: pct(sent.length, allSent),
        mean_per_clinician: mean(perClinician),
        median_per_clinician: quantile7(perClinician, 0.5),
        patient_messages: list.length - sent.length,
        patients,
        threads: threadsSeen,
      };
    });
  }

  const outside = (m: Message) => m.weekday >= 5 || m.minute < options.workStart * 60 || m.minute >= options.workEnd * 60;

  function afterHours(dims: string[]): Rows {
    const sent = messages.filter((m) => !m.patient);
    // Sessions per clinician, credited to the groups of their first message.
    const sessionMinutes = new Map<Message, number>();
    for (const list of groupBy(sent.filter(outside), (m) => m.sender).values()) {
      list.sort(byTime);
      let first = list[0]!, last = list[0]!;
      for (const m of list.slice(1)) {
        if (m.time - last.time > options.gapMinutes * 60_000) {
          sessionMinutes.set(first, (last.time - first.time) / 60_000 + options.perMessageMinutes);
          first = m;
        }
        last = m;
      }
      sessionMinutes.set(first, (last.time - first.time) / 60_000 + options.perMessageMinutes);
    }
    const groups = groupBy(sent, (m) => dims.map((d) => label(d, 'message', m)).join('|'));
    return [...groups].map(([key, list]) => {
      const after = list.filter(outside);
      const clinicians = new Set(list.map((m) => m.sender)).size;
      const minutes = list.reduce((s, m) => s + (sessionMinutes.get(m) ?? 0), 0);
      const evening = list.filter((m) => m.minute >= options.evening[0] * 60 && m.minute < options.evening[1] * 60).length;
      const groupCells: Record<string, Value> = Object.fromEntries(dims.map((d, i) => [column(d), key.split('|')[i]!]));
      if (dims.includes('clinician')) {
        // The clinician view: the clinician's attributes instead of a count of clinicians.
        const a = attributes.get(groupCells.clinician_id as string);
        for (const attribute of ['role', 'department', 'care_setting'] as const) {
          if (!dims.includes(attribute)) groupCells[attribute] = a ? (attribute === 'care_setting' ? a.careSetting : a[attribute]) : null;
        }
      } else groupCells.clinicians = clinicians;
      return {
        ...groupCells,
        messages_sent: list.length,
        after_hours_messages: after.length,
        pct_after_hours: pct(after.length, list.length),
        evening_messages: evening,
        pct_evening: pct(evening, list.length),
        after_hours_days: new Set(after.map((m) => `${m.sender} ${m.date}`)).size,
        est_after_hours_minutes: minutes,
        est_after_hours_minutes_per_clinician_week: clinicians ? minutes / clinicians / weeks : null,
      };
    });
  }

  /** Work hours between two instants, walking the local days. */
  function businessHours(a: number, b: number): number {
    let total = 0;
    const startDay = new TZDate(a, options.timezone);
    let day = new Date(Date.UTC(startDay.getFullYear(), startDay.getMonth(), startDay.getDate()));
    for (;;) {
      const y = day.getUTCFullYear(), mo = day.getUTCMonth(), d = day.getUTCDate();
      const open = new TZDate(y, mo, d, options.workStart, 0, options.timezone).getTime();
      if (open > b + 86_400_000) break;
      const close = new TZDate(y, mo, d, options.workEnd, 0, options.timezone).getTime();
      const weekday = (day.getUTCDay() + 6) % 7;
      if (weekday < 5) total += Math.max(0, Math.min(b, close) - Math.max(a, open));
      day = new Date(day.getTime() + 86_400_000);
    }
    return total / 3_600_000;
  }

  function latency(dims: string[]): Rows {
    const index: Message[] = [];
    for (const { messages: list } of threadInfo.values()) list.forEach((m, i) => m.patient && (i === 0 || !list[i - 1]!.patient) && index.push(m));
    const groups = groupBy(index, (m) => dims.map((d) => label(d, 'index', m)).join('|'));
    const workDay = options.workEnd - options.workStart;
    const asOf = Math.max(...messages.map((m) => m.time));
    return [...groups].map(([key, list]) => {
      const answered = list.filter((m) => reply.get(m));
      const hours = answered.map((m) => (reply.get(m)!.time - m.time) / 3_600_000);
      const waiting = list.filter((m) => !reply.get(m)).map((m) => (asOf - m.time) / 3_600_000);
      // Kaplan–Meier by brute force: at each distinct reply time, the share of those still at risk that got a reply.
      const steps = [...new Set(hours)].sort((a, b) => a - b).map((t) => {
        const atRisk = hours.filter((h) => h >= t).length + waiting.filter((h) => h >= t).length;
        return { t, factor: 1 - hours.filter((h) => h === t).length / atRisk };
      });
      const survival = (b: number) => steps.filter((x) => x.t <= b).reduce((product, x) => product * x.factor, 1);
      let kmMedian: number | null = null;
      for (let k = 0; k < steps.length && kmMedian === null; k++) {
        const s = survival(steps[k]!.t);
        if (Math.abs(s - 0.5) < 1e-8) {
          const drop = steps.slice(k + 1).find((x) => survival(x.t) < s - 1e-8);
          kmMedian = drop ? (steps[k]!.t + drop.t) / 2 : steps[k]!.t;
        } else if (s < 0.5) kmMedian = steps[k]!.t;
      }
      const business = answered.map((m) => businessHours(m.time, reply.get(m)!.time));
      return {
        ...Object.fromEntries(dims.map((d, i) => [column(d), key.split('|')[i]!])),
        index_messages: list.length,
        answered: answered.length,
        unanswered: list.length - answered.length,
        median_hours: quantile7(hours, 0.5),
        p90_hours: quantile7(hours, 0.9),
        mean_hours: mean(hours),
        pct_within_24h: pct(hours.filter((h) => h <= 24).length, list.length),
        pct_within_72h: pct(hours.filter((h) => h <= 72).length, list.length),
        median_business_hours: quantile7(business, 0.5),
        pct_within_2_business_days: pct(business.filter((h) => h <= 2 * workDay + 1e-9).length, list.length),
        pending: waiting.filter((h) => h < 72).length,
        km_median_hours: kmMedian,
        km_pct_within_24h: 100 * (1 - survival(24)),
        km_pct_within_72h: 100 * (1 - survival(72)),
      };
    });
  }

  function rounds(dims: string[]): Rows {
    const infos = [...threadInfo.values()];
    const groups = groupBy(infos, (t) => dims.map((d) => label(d, 'thread', t.first)).join('|'));
    return [...groups].map(([key, list]) => {
      const counts = list.map((t) => {
        // Collapse to runs, then count P followed by C.
        const runs = t.messages.map((m) => (m.patient ? 'P' : 'C')).join('').replace(/P+/g, 'P').replace(/C+/g, 'C');
        return (runs.match(/PC/g) ?? []).length;
      });
      const durations = list.map((t) => (t.messages.at(-1)!.time - t.messages[0]!.time) / 3_600_000);
      const histogram = (k: number) => counts.filter((c) => (k === 5 ? c >= 5 : c === k)).length;
      return {
        ...Object.fromEntries(dims.map((d, i) => [column(d), key.split('|')[i]!])),
        threads: list.length,
        messages: list.reduce((s, t) => s + t.messages.length, 0),
        mean_rounds: mean(counts),
        median_rounds: quantile7(counts, 0.5),
        pct_le_4_rounds: pct(counts.filter((c) => c <= 4).length, list.length),
        rounds_0: histogram(0),
        rounds_1: histogram(1),
        rounds_2: histogram(2),
        rounds_3: histogram(3),
        rounds_4: histogram(4),
        rounds_5_plus: histogram(5),
        median_duration_hours: quantile7(durations, 0.5),
      };
    });
  }

  return { volume, 'after-hours': afterHours, latency, rounds };
}
