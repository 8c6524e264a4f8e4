import type { ThreadColumns, ThreadOrder } from '../model/threads.js';
import type { MetricSettings } from './context.js';
import { findIndexMessages, INDEX_MESSAGES } from './latency.js';
import { countRounds, durationsOf, ROUNDS_PER_THREAD, THREAD_DURATIONS } from './rounds.js';

/**
 * What the latency and rounds tables remember that needs only the ordered
 * threads, not the clinicians nor the window: the index messages, each
 * thread's rounds and duration. The section worker computes it while the
 * main thread attributes the messages, and starts its tables with it
 * remembered (issue 16). Nothing when some threads have messages at the
 * same time: their order waits for the message ids (`settleTies`).
 *
 * @example memosAhead(columns, ordered, ['rounds'], 'first') // Map { 'rounds.per-thread' => …, 'rounds.durations' => … }
 */
export function memosAhead(store: ThreadColumns, threads: ThreadOrder, sections: readonly string[], latencyIndex: MetricSettings['latencyIndex']): Map<string, unknown> {
  const memo = new Map<string, unknown>();
  if (threads.ties.length > 0) return memo;
  if (sections.includes('latency')) memo.set(INDEX_MESSAGES, findIndexMessages(store, threads, latencyIndex === 'each'));
  if (sections.includes('rounds')) {
    memo.set(ROUNDS_PER_THREAD, countRounds(store, threads));
    memo.set(THREAD_DURATIONS, durationsOf(store, threads));
  }
  return memo;
}
