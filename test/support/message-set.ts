import type { MessageStore } from '../../src/model/store.js';

/**
 * The validated message set, independent of row order and file layout:
 * per message (by id) its thread (named by the thread's smallest message id),
 * time, sender type and id, patient (named by their smallest message id),
 * recipient (the first, in file order), category, department, care setting
 * (unless left out: Epic's MYC_MESG has none) and the sender's resolved role.
 */
export function messageSet(store: MessageStore, roles: readonly string[], { careSetting = true } = {}): string[] {
  const id = (i: number) => store.messageIds.value(store.messageKey[i]!);
  const threadName = new Map<number, string>();
  const patientName = new Map<number, string>();
  for (let i = 0; i < store.count; i++) {
    const t = threadName.get(store.thread[i]!);
    if (t === undefined || id(i) < t) threadName.set(store.thread[i]!, id(i));
    const p = patientName.get(store.patient[i]!);
    if (p === undefined || id(i) < p) patientName.set(store.patient[i]!, id(i));
  }
  const out: string[] = [];
  for (let i = 0; i < store.count; i++) {
    const user = (u: number) => (u < 0 ? '' : store.users[u]!);
    out.push(
      [
        id(i),
        threadName.get(store.thread[i]!),
        new Date(store.utc[i]!).toISOString(),
        store.senderType[i],
        user(store.sender[i]!),
        patientName.get(store.patient[i]!),
        user(store.recipient[i]!),
        store.category[i]! < 0 ? 'unknown' : store.categories[store.category[i]!],
        store.department[i]! < 0 ? '' : store.departments[store.department[i]!],
        !careSetting || store.careSetting[i]! < 0 ? '' : store.careSettings[store.careSetting[i]!],
        store.sender[i]! < 0 ? '' : roles[store.sender[i]!],
      ].join('|'),
    );
  }
  return out.sort();
}

