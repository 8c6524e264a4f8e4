import { parentPort } from 'node:worker_threads';
import { answeredCurve } from '../metrics/latency.js';
import type { MetricContext } from '../metrics/context.js';
import { contextFromData, orderReply, type ContextMessage, type OrderMessage, type SectionJob, type SectionReply } from './parallel-sections.js';
import { section } from './metrics.js';

/**
 * The section worker (SPEC 6 on two cores): computes some of the report's
 * tables while the main thread computes the others. It may first be asked
 * to order the threads (`OrderMessage`) while the main thread resolves the
 * clinicians. Then it is given the run's metric context (`SharedContextData`:
 * the store's columns and the threads on shared memory, not copied); it
 * answers each job after that with its sections in the order asked, and
 * the latency curve when asked for it.
 */
let context: MetricContext | null = null;
parentPort!.on('message', (message: OrderMessage | ContextMessage | SectionJob) => {
  if ('order' in message) {
    parentPort!.postMessage(orderReply(message.order));
    return;
  }
  if ('context' in message) {
    context = contextFromData(message.context);
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
