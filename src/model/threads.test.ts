import { describe, expect, it } from 'vitest';
import { contextOf, HAND_MADE } from '../../test/support/context.js';
import { buildThreads, orderThreads } from './threads.js';

describe('threads and attribution (SPEC 2)', async () => {
  const context = await contextOf(HAND_MADE);
  const { store, threads } = context;
  const index = (id: string) => [...store.messageKey].findIndex((k) => store.messageIds.value(k) === id);
  const idOf = (i: number) => (i < 0 ? null : store.messageIds.value(store.messageKey[i]!));
  const user = (u: number) => (u < 0 ? null : store.users[u]);
  const threadOf = (id: string) => store.thread[index(id)]!;
  const messagesOf = (id: string) => {
    const t = threadOf(id);
    return [...threads.order.slice(threads.start[t]!, threads.start[t + 1]!)].map(idOf);
  };

  it('orders by time, ties by message_id', () => {
    // m10 comes first in the file, but m09 < m10 at the same second.
    expect(messagesOf('m09')).toEqual(['m09', 'm10']);
    expect(messagesOf('m04')).toEqual(['m04', 'm05', 'm06', 'm07', 'm08']);
  });

  it('finds the reply: the first clinician message after', () => {
    expect(idOf(threads.reply[index('m04')]!)).toBe('m06'); // not A's double reply m07
    expect(idOf(threads.reply[index('m05')]!)).toBe('m06');
    expect(idOf(threads.reply[index('m08')]!)).toBeNull();
    expect(idOf(threads.reply[index('m09')]!)).toBe('m10'); // same second, later id
  });

  it('attributes a patient message to a known recipient, else the replier, else nobody', () => {
    expect(user(threads.clinician[index('m13')]!)).toBe('A'); // recipient A is known, though unanswered
    expect(user(threads.clinician[index('m09')]!)).toBe('B'); // POOL is not a clinician: the replier
    expect(user(threads.clinician[index('m11')]!)).toBe('C');
    expect(user(threads.clinician[index('m06')]!)).toBe('B'); // clinician messages: the sender
  });

  it('attributes a thread as its first patient message, or its opening clinician', () => {
    expect(user(threads.threadClinician[threadOf('m01')]!)).toBe('A'); // opened by A
    expect(user(threads.threadClinician[threadOf('m09')]!)).toBe('B');
    expect(user(threads.threadClinician[threadOf('m18')]!)).toBe('B');
  });

  it("gives a thread its first non-unknown category", () => {
    expect(store.categories[threads.threadCategory[threadOf('m11')]!]).toBe('medical_question'); // m11 has none, m12 has one
    expect(threads.threadCategory[threadOf('m18')]).toBe(-1);
  });

  it('builds the same threads whatever the order of the rows', async () => {
    // Grouped by thread but each thread backwards (read in place, sorted inside), and in time order
    // (threads interleaved: bucketed by thread first). Each message's reply, clinician and thread figures agree.
    const [header, ...rows] = HAND_MADE.trim().split('\n');
    const byTime = [...rows].sort((a, b) => a.split(',')[2]!.localeCompare(b.split(',')[2]!) || a.localeCompare(b));
    for (const order of [[...rows].reverse(), byTime]) {
      const other = await contextOf([header, ...order].join('\n') + '\n');
      const o = other.store;
      const otherIndex = (id: string) => [...o.messageKey].findIndex((k) => o.messageIds.value(k) === id);
      const otherId = (i: number) => (i < 0 ? null : o.messageIds.value(o.messageKey[i]!));
      for (let i = 0; i < store.count; i++) {
        const id = idOf(i)!, j = otherIndex(id);
        expect(otherId(other.threads.reply[j]!), id).toBe(idOf(threads.reply[i]!));
        expect(other.threads.clinician[j] === -1 ? null : o.users[other.threads.clinician[j]!], id).toBe(user(threads.clinician[i]!));
        const t = store.thread[i]!, u = o.thread[j]!;
        const inThread = (c: typeof context, x: number) => [...c.threads.order.slice(c.threads.start[x]!, c.threads.start[x + 1]!)].map((m) => c.store.messageIds.value(c.store.messageKey[m]!));
        expect(inThread(other, u), id).toEqual(inThread(context, t));
        expect(other.threads.threadClinician[u] === -1 ? null : o.users[other.threads.threadClinician[u]!]).toBe(user(threads.threadClinician[t]!));
        expect(other.threads.threadCategory[u] === -1 ? null : o.categories[other.threads.threadCategory[u]!]).toBe(threads.threadCategory[t] === -1 ? null : store.categories[threads.threadCategory[t]!]);
      }
    }
  });

  it('orders threads without the ids, then settles equal times by message_id', () => {
    // m10 is before m09 in the file, at the same second: ordered by time alone, m10 stays first, and its thread is tied.
    const ordered = orderThreads(store);
    const t = threadOf('m09');
    expect([...ordered.ties]).toEqual([t]);
    expect([...ordered.order.slice(ordered.start[t]!, ordered.start[t + 1]!)].map(idOf)).toEqual(['m10', 'm09']);
    expect(idOf(ordered.reply[index('m09')]!)).toBeNull(); // m10 is before it, so far
    // Settled: the same threads as the context's, every array.
    const settled = buildThreads(store, context.clinicians, ordered);
    for (const name of ['order', 'start', 'reply', 'clinician', 'threadClinician', 'threadCategory'] as const) expect([...settled[name]], name).toEqual([...threads[name]]);
    expect(idOf(settled.reply[index('m09')]!)).toBe('m10');
  });

  it('leaves a patient message unattributed when nobody answers and the recipient is no clinician', async () => {
    const csv = 'message_id,thread_id,sent_at,sender_type,sender_id,patient_id,recipient_id\nx1,t,2024-03-04 10:00,patient,,p,POOL\n';
    const c = await contextOf(csv, { roster: null });
    expect(c.threads.clinician[0]).toBe(-1);
    expect(c.threads.threadClinician[0]).toBe(-1);
  });
});
