import { describe, expect, it } from 'vitest';
import { contextOf, HAND_MADE } from '../../test/support/context.js';
import { orderThreads } from '../model/threads.js';
import { memosAhead } from './ahead.js';
import { indexMessages, INDEX_MESSAGES } from './latency.js';
import { ROUNDS_PER_THREAD, rounds, threadRounds, THREAD_DURATIONS } from './rounds.js';

describe('memosAhead: what the latency and rounds tables remember, from the ordered threads alone (issue 16)', () => {
  // The hand-made export with m10 a minute later: no two messages of a thread at the same time.
  const untied = HAND_MADE.replace('m10,t3,2024-03-07 09:00', 'm10,t3,2024-03-07 09:01');

  it('equals what the tables remember, for each --latency-index', async () => {
    for (const latencyIndex of ['first', 'each'] as const) {
      const context = await contextOf(untied, { metric: { latencyIndex } });
      const ahead = memosAhead(context.store, orderThreads(context.store), ['latency', 'rounds'], latencyIndex);
      rounds(context, []); // remembers the threads' durations
      expect([...(ahead.get(INDEX_MESSAGES) as Int32Array)], latencyIndex).toEqual([...indexMessages(context)]);
      expect([...(ahead.get(ROUNDS_PER_THREAD) as Int32Array)]).toEqual([...threadRounds(context)]);
      expect([...(ahead.get(THREAD_DURATIONS) as Float64Array)]).toEqual([...(context.memo.get(THREAD_DURATIONS) as Float64Array)]);
    }
    // t2 (m04, m05 patient; B, A; m08 patient): first of each run m04, m08; each: m04, m05, m08.
    const each = await contextOf(untied, { metric: { latencyIndex: 'each' } });
    const first = await contextOf(untied);
    expect(indexMessages(each).length - indexMessages(first).length).toBe(1);
  });

  it('holds only the sections asked for', async () => {
    const context = await contextOf(untied);
    expect([...memosAhead(context.store, orderThreads(context.store), ['rounds'], 'first').keys()]).toEqual([ROUNDS_PER_THREAD, THREAD_DURATIONS]);
    expect([...memosAhead(context.store, orderThreads(context.store), ['latency'], 'first').keys()]).toEqual([INDEX_MESSAGES]);
  });

  it('holds nothing while equal times wait for the message ids', async () => {
    // t3: m10 and m09 at the same second, m10 first in the file: ordered by id, m09 is the index message.
    const context = await contextOf(HAND_MADE);
    const ordered = orderThreads(context.store);
    expect(ordered.ties.length).toBe(1);
    expect(memosAhead(context.store, ordered, ['latency', 'rounds'], 'first').size).toBe(0);
  });
});
