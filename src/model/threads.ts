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
 * Orders every thread's messages by sent_at, ties by message_id, then finds
 * replies and attributes messages and threads.
 *
 * @example thread [patient 09:00 to pool, clinician C 10:00]: the patient message's
 * reply is C's message, and both it and the thread are attributed to C.
 */
export function buildThreads(store: MessageStore, clinicians: Clinicians): Threads {
  const n = store.count;
  const threadCount = store.threadCount;
  // Counting sort by thread, then insertion sort inside each (threads are short).
  const start = sharedArray(Int32Array, threadCount + 1);
  for (let i = 0; i < n; i++) start[store.thread[i]! + 1]!++;
  for (let t = 0; t < threadCount; t++) start[t + 1]! += start[t]!;
  const next = start.slice(0, threadCount);
  const order = sharedArray(Int32Array, n);
  for (let i = 0; i < n; i++) order[next[store.thread[i]!]!++] = i;
  const utc = store.utc;
  for (let t = 0; t < threadCount; t++) {
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

  const reply = sharedArray(Int32Array, n).fill(-1);
  const clinician = sharedArray(Int32Array, n).fill(-1);
  const threadClinician = sharedArray(Int32Array, threadCount).fill(-1);
  const threadCategory = sharedArray(Int32Array, threadCount).fill(-1);
  for (let t = 0; t < threadCount; t++) {
    const from = start[t]!, to = start[t + 1]!;
    let nextClinician = -1;
    for (let p = to - 1; p >= from; p--) {
      const m = order[p]!;
      reply[m] = nextClinician;
      if (store.senderType[m] === SENDER_CLINICIAN) {
        nextClinician = m;
        clinician[m] = store.sender[m]!;
      } else {
        const recipient = knownRecipient(store, clinicians, m);
        if (recipient >= 0) clinician[m] = recipient;
        else if (reply[m]! >= 0) clinician[m] = store.sender[reply[m]!]!;
      }
      if (store.category[m]! >= 0) threadCategory[t] = store.category[m]!;
    }
    if (to > from) threadClinician[t] = clinician[order[from]!]!;
  }
  return { order, start, reply, clinician, threadClinician, threadCategory };
}
