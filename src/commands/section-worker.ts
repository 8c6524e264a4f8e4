import { parentPort, workerData } from 'node:worker_threads';
import { answeredCurve } from '../metrics/latency.js';
import { contextFromData, type SectionJob, type SectionReply, type SharedContextData } from './parallel-sections.js';
import { section } from './metrics.js';

/**
 * The section worker (SPEC 6 on two cores): computes some of the report's
 * tables while the main thread computes the others. It is started with the
 * run's metric context (`SharedContextData`: the store's columns and the
 * threads on shared memory, not copied), answers each job with its sections
 * in the order asked, and the latency curve when asked for it.
 */
const context = contextFromData(workerData as SharedContextData);
parentPort!.on('message', (job: SectionJob) => {
  let reply: SectionReply;
  try {
    const sections = job.tables.map((t) => section(context, t.name, t.dims, t.chart));
    reply = { sections, ...(job.curveHours !== undefined ? { curve: answeredCurve(context, ['role'], job.curveHours) } : {}) };
  } catch (error) {
    reply = { error: (error as Error).message };
  }
  parentPort!.postMessage(reply);
});
