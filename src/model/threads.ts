import type { Clinicians } from './clinicians.js';
import { sharedArray } from './shared.js';
import { SENDER_CLINICIAN, type MessageStore } from './store.js';

/**
 * Messages in conversation order, with replies and attribution (SPEC 2).
 * All arrays are indexed by message index unless named per thread.
 */
export interface Threads {
  /** Message indices, thread by thread, each thread in time order (ties by message_id). */
  order: Int32Array;
  /** Thread t occupies order[start[t] … start[t+1]). Length threadCount + 1. */
  start: Int32Array;
  /** Per message: the first clinician message after it in its thread, or -1. */
  reply: Int32Array;
  /**
   * Per message: its clinician. The sender of a clinician message; for a
   * patient message, the recipient when a known clinician, else the sender of
   * its reply, else -1 (unattributed).
   */
  clinician: Int32Array;
  /** Per thread: the attribution of its first message (SPEC 2), or -1. */
  threadClinician: Int32Array;
  /** Per thread: its first non-unknown category in order, or -1 (unknown). */
  threadCategory: Int32Array;
}

/**
 * The first recipient of a message, in file order, that is a known
 * clinician (SPEC 1.1, one row per recipient), or -1.
 */
export function knownRecipient(store: MessageStore, clinicians: Clinicians, m: number): number {
  const first = store.recipient[m]!;
  if (first >= 0 && clinicians.known[first] === 1) return first;
  const more = store.extraRecipients.size > 0 ? store.extraRecipients.get(m) : undefined;
  if (more !== undefined) for (const user of more) if (clinicians.known[user] === 1) return user;
  return -1;
}

/**
 * The threads without their attribution: each thread's messages in order,
 * replies and categories. They need neither the message ids' text nor the
 * clinicians, so the section worker can order them (`orderThreads`) while
 * the main thread resolves the clinicians; `settleTies` and
 * `attributeThreads` finish them where the ids are.
 */
export type ThreadOrder = Pick<Threads, 'order' | 'start' | 'reply' | 'threadCategory'> & {
  /** Threads with two messages at the same time, increasing: `settleTies` orders those by message_id. */
  ties: Int32Array;
};

/** What ordering the threads reads of the store. */
export type ThreadColumns = Pick<MessageStore, 'count' | 'threadCount' | 'thread' | 'utc' | 'senderType' | 'category'>;

/**
 * Messages thread by thread, in file order inside each thread: `order[start[t]
 * … start[t+1])` are thread t's messages. Thread numbers are given in
 * first-seen order, so an export grouped by thread numbers its rows 0, 0, 1,
 * 1, 1, 2, …: then the order is the identity, found in one pass (an export
 * grouped by thread, as the benchmark's is); else a counting sort.
 */
function groupByThread(store: ThreadColumns): { order: Int32Array; start: Int32Array } {
  const n = store.count, threadCount = store.threadCount, thread = store.thread;
  const start = sharedArray(Int32Array, threadCount + 1);
  const order = sharedArray(Int32Array, n);
  let current = -1, i = 0;
  for (; i < n; i++) {
    const t = thread[i]!;
    if (t === current) continue;
    if (t !== current + 1) break;
    start[t] = i;
    current = t;
  }
  if (i === n && current === threadCount - 1) {
    start[threadCount] = n;
    for (let k = 0; k < n; k++) order[k] = k;
    return { order, start };
  }
  start.fill(0);
  for (let k = 0; k < n; k++) start[thread[k]! + 1]!++;
  for (let t = 0; t < threadCount; t++) start[t + 1]! += start[t]!;
  const next = start.slice(0, threadCount);
  for (let k = 0; k < n; k++) order[next[thread[k]!]!++] = k;
  return { order, start };
}

/**
 * Sorts each thread's messages by sent_at, keeping file order among equal
 * times (an insertion sort: threads are short, and mostly in order
 * already). Returns the threads where two messages share a time.
 */
function sortInsideThreads(store: ThreadColumns, order: Int32Array, start: Int32Array): Int32Array {
  const utc = store.utc;
  const ties: number[] = [];
  for (let t = 0; t < store.threadCount; t++) {
    const from = start[t]!, to = start[t + 1]!;
    let tied = false;
    for (let a = from + 1; a < to; a++) {
      const m = order[a]!;
      const time = utc[m]!;
      let b = a - 1;
      while (b >= from) {
        const o = order[b]!;
        if (utc[o]! <= time) {
          if (utc[o] === time) tied = true;
          break;
        }
        order[b + 1] = o;
        b--;
      }
      order[b + 1] = m;
    }
    if (tied) ties.push(t);
  }
  return Int32Array.from(ties);
}

/** Replies of thread t's messages (the next clinician message) and its first non-unknown category, from its order. */
function linkThread(store: ThreadColumns, order: Int32Array, start: Int32Array, t: number, reply: Int32Array, threadCategory: Int32Array): void {
  const { senderType, category } = store;
  const from = start[t]!, to = start[t + 1]!;
  let nextClinician = -1, firstCategory = -1;
  for (let p = to - 1; p >= from; p--) {
    const m = order[p]!;
    reply[m] = nextClinician;
    if (senderType[m] === SENDER_CLINICIAN) nextClinician = m;
    if (category[m]! >= 0) firstCategory = category[m]!;
  }
  threadCategory[t] = firstCategory;
}

/**
 * Every thread's messages by sent_at (equal times in file order), their
 * replies and categories: no message ids, no clinicians (`ThreadOrder`).
 */
export function orderThreads(store: ThreadColumns): ThreadOrder {
  const { order, start } = groupByThread(store);
  const ties = sortInsideThreads(store, order, start);
  // Every place is written below: no fill first (each is a fresh page written twice otherwise).
  const reply = sharedArray(Int32Array, store.count);
  const threadCategory = sharedArray(Int32Array, store.threadCount);
  for (let t = 0; t < store.threadCount; t++) linkThread(store, order, start, t, reply, threadCategory);
  return { order, start, reply, threadCategory, ties };
}

/** Orders the messages of the threads with equal times by sent_at, ties by message_id (code-unit order), and links them again. */
export function settleTies(store: MessageStore, threads: ThreadOrder): void {
  const { order, start, ties } = threads;
  const { utc, messageKey, messageIds } = store;
  const before = (a: number, b: number) => utc[a]! < utc[b]! || (utc[a] === utc[b] && messageIds.compare(messageKey[a]!, messageKey[b]!) < 0);
  for (let k = 0; k < ties.length; k++) {
    const t = ties[k]!, from = start[t]!, to = start[t + 1]!;
    for (let a = from + 1; a < to; a++) {
      const m = order[a]!;
      let b = a - 1;
      while (b >= from && before(m, order[b]!)) {
        order[b + 1] = order[b]!;
        b--;
      }
      order[b + 1] = m;
    }
    linkThread(store, order, start, t, threads.reply, threads.threadCategory);
  }
}

/**
 * Attributes ordered threads (ties settled): a clinician message to its
 * sender; a patient message to its known recipient, else to the sender of
 * its reply; a thread to its first message's clinician. One pass in message
 * order, since each message's reply is known.
 */
export function attributeThreads(store: MessageStore, clinicians: Clinicians, threads: ThreadOrder): Threads {
  const { order, start, reply, threadCategory } = threads;
  const n = store.count, threadCount = store.threadCount;
  const clinician = sharedArray(Int32Array, n);
  const threadClinician = sharedArray(Int32Array, threadCount);
  const { senderType, sender, recipient } = store;
  const known = clinicians.known;
  const moreRecipients = store.extraRecipients.size > 0;
  for (let m = 0; m < n; m++) {
    if (senderType[m] === SENDER_CLINICIAN) {
      clinician[m] = sender[m]!;
      continue;
    }
    const first = recipient[m]!;
    const user = first >= 0 && known[first] === 1 ? first : moreRecipients ? knownRecipient(store, clinicians, m) : -1;
    const next = reply[m]!;
    clinician[m] = user >= 0 ? user : next >= 0 ? sender[next]! : -1;
  }
  for (let t = 0; t < threadCount; t++) threadClinician[t] = start[t + 1]! > start[t]! ? clinician[order[start[t]!]!]! : -1;
  return { order, start, reply, clinician, threadClinician, threadCategory };
}

/**
 * Orders every thread's messages by sent_at, ties by message_id, then finds
 * replies and attributes messages and threads. `ordered`: the threads
 * already ordered (by the section worker), ties not yet settled.
 *
 * @example thread [patient 09:00 to pool, clinician C 10:00]: the patient message's
 * reply is C's message, and both it and the thread are attributed to C.
 */
export function buildThreads(store: MessageStore, clinicians: Clinicians, ordered: ThreadOrder = orderThreads(store)): Threads {
  settleTies(store, ordered);
  return attributeThreads(store, clinicians, ordered);
}
