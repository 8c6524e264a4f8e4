import { parentPort } from 'node:worker_threads';
import { answeredCurve } from '../metrics/latency.js';
import { memosAhead } from '../metrics/ahead.js';
import type { MetricContext } from '../metrics/context.js';
import { contextFromData, orderReply, type ContextMessage, type OrderMessage, type SectionJob, type SectionReply } from './parallel-sections.js';
import { section } from './metrics.js';

/**
 * The section worker (SPEC 6 on two cores): computes some of the report's
 * tables while the main thread computes the others. It may first be asked
 * to order the threads (`OrderMessage`) while the main thread resolves the
 * clinicians; it then computes what it can of its tables (`memosAhead`)
 * while the main thread attributes the messages. Then it is given the
 * run's metric context (`SharedContextData`: the store's columns and the
 * threads on shared memory, not copied); it answers each job after that
 * with its sections in the order asked, and the latency curve when asked
 * for it.
 */
let context: MetricContext | null = null;
/** What the tables remember, computed after ordering the threads, before the context came. */
let memo: Map<string, unknown> | undefined;
parentPort!.on('message', (message: OrderMessage | ContextMessage | SectionJob) => {
  if ('order' in message) {
    const reply = orderReply(message.order);
    parentPort!.postMessage(reply);
    if ('ordered' in reply && message.ahead !== undefined) memo = memosAhead(message.order, reply.ordered, message.ahead.sections, message.ahead.latencyIndex);
    return;
  }
  if ('context' in message) {
    context = contextFromData(message.context, memo);
    return;
  }
  let reply: SectionReply;
  try {
    if (context === null) throw new Error('the section worker was given a job before its context');
    const ready = context;
    const sections = message.tables.map((t) => section(ready, t.name, t.dims, t.chart));
    reply = { sections, ...(message.curveHours !== undefined ? { curve: answeredCurve(ready, ['role'], message.curveHours) } : {}) };
  } catch (error) {
    reply = { error: (error as Error).message };
  }
  parentPort!.postMessage(reply);
});
