import type { Roster } from '../input/roster.js';
import { UNKNOWN } from '../input/vocabulary.js';
import { SENDER_CLINICIAN, type MessageStore } from './store.js';

/** Attributes of every user id of the store (senders and recipients), by user index. */
export interface Clinicians {
  /** 1 when the id is a known clinician: a clinician message's sender, or in the roster (SPEC 2). */
  known: Uint8Array;
  role: string[];
  department: string[];
  careSetting: string[];
  /** Roster FTE, NaN when none. */
  fte: Float64Array;
  /** Number of distinct clinicians who sent at least one message. */
  senders: number;
}

/**
 * A clinician's role, department and care setting come from the roster,
 * else from the first of their sent messages (in time order, ties by
 * message_id) that has a value, else `unknown` (SPEC 2).
 *
 * @example a clinician whose messages say `RN` at 09:00 and `MD` at 08:00 is a physician.
 */
export function resolveClinicians(store: MessageStore, roster?: Roster): Clinicians {
  const users = store.users.length;
  const known = new Uint8Array(users);
  const fte = new Float64Array(users).fill(NaN);
  // First message (by time, then id) carrying each attribute, per user.
  const attributes = [store.role, store.department, store.careSetting] as const;
  const names = [store.roles, store.departments, store.careSettings] as const;
  const firstAt = attributes.map(() => new Int32Array(users).fill(-1));
  // Its send time beside it: compared with the message's own, not read again from the store at random (issue 16).
  const firstTime = attributes.map(() => new Float64Array(users));
  let senders = 0;
  for (let i = 0; i < store.count; i++) {
    if (store.senderType[i] !== SENDER_CLINICIAN) continue;
    const user = store.sender[i]!;
    if (known[user] === 0) {
      known[user] = 1;
      senders++;
    }
    const time = store.utc[i]!;
    for (let a = 0; a < attributes.length; a++) {
      if (attributes[a]![i]! < 0) continue;
      const current = firstAt[a]![user]!, currentTime = firstTime[a]![user]!;
      if (current < 0 || time < currentTime || (time === currentTime && store.messageIds.compare(store.messageKey[i]!, store.messageKey[current]!) < 0)) {
        firstAt[a]![user] = i;
        firstTime[a]![user] = time;
      }
    }
  }
  const fromMessages = (a: number, user: number) => {
    const i = firstAt[a]![user]!;
    return i < 0 ? UNKNOWN : names[a]![attributes[a]![i]!]!;
  };
  const role: string[] = new Array(users);
  const department: string[] = new Array(users);
  const careSetting: string[] = new Array(users);
  for (let user = 0; user < users; user++) {
    const entry = roster?.entries.get(store.users[user]!);
    if (entry) {
      known[user] = 1;
      if (entry.fte !== undefined) fte[user] = entry.fte;
    }
    role[user] = entry?.role ?? fromMessages(0, user);
    department[user] = entry?.department ?? fromMessages(1, user);
    careSetting[user] = entry?.careSetting ?? fromMessages(2, user);
  }
  return { known, role, department, careSetting, fte, senders };
}
