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

/** Code-unit order of two messages' ids. */
function idBefore(store: MessageStore, a: number, b: number): boolean {
  return store.messageIds.compare(store.messageKey[a]!, store.messageKey[b]!) < 0;
}

/**
 * Messages thread by thread, in file order inside each thread: `order[start[t]
 * … start[t+1])` are thread t's messages. Thread numbers are given in
 * first-seen order, so an export grouped by thread numbers its rows 0, 0, 1,
 * 1, 1, 2, …: then the order is the identity, found in one pass (an export
 * grouped by thread, as the benchmark's is); else a counting sort.
 */
function groupByThread(store: MessageStore): { order: Int32Array; start: Int32Array } {
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

/** Sorts each thread's messages by sent_at, ties by message_id (an insertion sort: threads are short, and mostly in order already). */
function sortInsideThreads(store: MessageStore, order: Int32Array, start: Int32Array): void {
  const utc = store.utc;
  for (let t = 0; t < store.threadCount; t++) {
    const from = start[t]!, to = start[t + 1]!;
    for (let a = from + 1; a < to; a++) {
      const m = order[a]!;
      let b = a - 1;
      while (b >= from) {
        const o = order[b]!;
        if (utc[o]! < utc[m]! || (utc[o] === utc[m] && !idBefore(store, m, o))) break;
        order[b + 1] = o;
        b--;
      }
      order[b + 1] = m;
    }
  }
}

/**
 * Orders every thread's messages by sent_at, ties by message_id, then finds
 * replies and attributes messages and threads.
 *
 * @example thread [patient 09:00 to pool, clinician C 10:00]: the patient message's
 * reply is C's message, and both it and the thread are attributed to C.
 */
export function buildThreads(store: MessageStore, clinicians: Clinicians): Threads {
  const { order, start } = groupByThread(store);
  sortInsideThreads(store, order, start);
  const n = store.count;
  const threadCount = store.threadCount;
  // Every place is written below: no fill first (each is a fresh page written twice otherwise).
  const reply = sharedArray(Int32Array, n);
  const clinician = sharedArray(Int32Array, n);
  const threadClinician = sharedArray(Int32Array, threadCount);
  const threadCategory = sharedArray(Int32Array, threadCount);
  const { senderType, sender, category, recipient } = store;
  const known = clinicians.known;
  const moreRecipients = store.extraRecipients.size > 0;
  for (let t = 0; t < threadCount; t++) {
    const from = start[t]!, to = start[t + 1]!;
    let nextClinician = -1, firstCategory = -1;
    for (let p = to - 1; p >= from; p--) {
      const m = order[p]!;
      reply[m] = nextClinician;
      if (senderType[m] === SENDER_CLINICIAN) {
        clinician[m] = sender[m]!;
        nextClinician = m;
      } else {
        const first = recipient[m]!;
        const user = first >= 0 && known[first] === 1 ? first : moreRecipients ? knownRecipient(store, clinicians, m) : -1;
        clinician[m] = user >= 0 ? user : nextClinician >= 0 ? sender[nextClinician]! : -1;
      }
      if (category[m]! >= 0) firstCategory = category[m]!;
    }
    threadCategory[t] = firstCategory;
    threadClinician[t] = to > from ? clinician[order[from]!]! : -1;
  }
  return { order, start, reply, clinician, threadClinician, threadCategory };
}
