import { Worker } from 'node:worker_threads';
import { parallelAllowed } from '../input/parallel.js';
import type { MetricContext, MetricSettings } from '../metrics/context.js';
import type { Dimension } from '../model/groups.js';
import { isShared, toShared } from '../model/shared.js';
import type { MessageStore } from '../model/store.js';
import { orderThreads, type ThreadColumns, type ThreadOrder } from '../model/threads.js';
import { WorkClock } from '../model/worktime.js';
import { Zone } from '../model/zone.js';
import { pseudonym } from '../output/privacy.js';
import type { Row, Section } from '../output/report.js';
import type { SectionName } from './metrics.js';

/**
 * Report tables computed in two threads (SPEC 6: both cores): the section
 * worker (`section-worker.ts`) computes the latency and rounds tables (and, for the
 * HTML page, the latency curve) while the main thread computes the others.
 * It reads the same messages: the store's columns and the threads are on
 * shared memory (`model/shared.ts`), so starting it copies only the small
 * things (clinician ids and attributes, settings).
 * Each table is the one the main thread would compute (same code, same
 * data); if the worker cannot start or fails, the main thread computes its
 * tables too.
 */

/** The tables of fewer messages than this are computed in one thread (a worker takes about 0.1 s to start). */
export const PARALLEL_SECTIONS_MIN_MESSAGES = 200_000;

/**
 * What the worker needs to rebuild the metric context: the context as plain
 * data (the large arrays on shared memory), with the zone by name and the
 * pseudonymisation key instead of what is made from them, and no memo.
 */
export type SharedContextData = Omit<MetricContext, 'store' | 'zone' | 'workClock' | 'clinicianLabel' | 'memo'> & {
  store: Omit<MessageStore, 'messageIds'>;
  zone: string;
  pseudonymize?: string | undefined;
};

export interface SectionJob {
  tables: { name: SectionName; dims: Dimension[]; chart: boolean }[];
  /** The latency curve by role up to this many hours (the HTML chart), when asked for. */
  curveHours?: number | undefined;
}

/**
 * The worker's first message, when the main thread has other work meanwhile:
 * the threads to order (`orderThreads`), and, when it will compute tables,
 * their sections, for what it can compute of them then (`memosAhead`).
 */
export interface OrderMessage {
  order: ThreadColumns;
  ahead?: Ahead | undefined;
}

/** The sections the worker will compute, and the setting their remembered figures depend on. */
export interface Ahead {
  sections: SectionName[];
  latencyIndex: MetricSettings['latencyIndex'];
}

/** The worker's next message: the run's context. */
export interface ContextMessage {
  context: SharedContextData;
}

export type OrderReply = { ordered: ThreadOrder } | { error: string };

/** The worker's answer to an `OrderMessage`. */
export function orderReply(columns: ThreadColumns): OrderReply {
  try {
    return { ordered: orderThreads(columns) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

export type SectionReply = { sections: Section[]; curve?: Row[] } | { error: string };

/** Large arrays go on shared memory; any that is not there yet is copied there (they all are, from the loader). */
function shareArrays<T extends object>(record: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) out[key] = ArrayBuffer.isView(value) && !(value instanceof DataView) && !isShared(value) && value.byteLength > 1 << 20 ? toShared(value as Int32Array) : value;
  return out as T;
}

/** The context as data for the worker. */
export function contextData(context: MetricContext, pseudonymize: string | undefined): SharedContextData {
  const { messageIds: _ids, ...store } = context.store;
  return {
    store: shareArrays(store),
    clinicians: context.clinicians,
    threads: shareArrays(context.threads),
    zone: context.zone.name,
    window: context.window,
    weeks: context.weeks,
    since: context.since,
    until: context.until,
    inWindow: toShared(context.inWindow),
    asOf: context.asOf,
    z: context.z,
    firstDay: context.firstDay,
    lastDay: context.lastDay,
    settings: context.settings,
    minCell: context.minCell,
    pseudonymize,
  };
}

/** The message ids stay in the main thread: no table the worker computes reads them. */
const NO_MESSAGE_IDS = new Proxy({} as MessageStore['messageIds'], {
  get() {
    throw new Error('the section worker has no message ids');
  },
});

/** The metric context again, in the worker; `memo`: what it remembers already (`memosAhead`). */
export function contextFromData(data: SharedContextData, memo = new Map<string, unknown>()): MetricContext {
  const zone = new Zone(data.zone);
  const { pseudonymize: key, zone: _name, ...rest } = data;
  return {
    ...rest,
    store: { ...data.store, messageIds: NO_MESSAGE_IDS },
    zone,
    workClock: new WorkClock(zone, data.window, data.firstDay, data.lastDay),
    ...(key !== undefined ? { clinicianLabel: (id: string) => pseudonym(id, key) } : {}),
    memo,
  };
}

/** A started section worker: `compute` sends it a job; its answer, or null when it failed. */
export class SectionWorker {
  /** Set when the worker failed or stopped before it was asked anything (an 'error' with no listener would end the process). */
  private stopped = false;

  private constructor(private readonly worker: Worker) {
    worker.on('error', () => (this.stopped = true));
    worker.on('exit', () => (this.stopped = true));
  }

  /** A worker for this context, or null: too few messages, one core, MSGWORK_THREADS=1, or it could not start. */
  static start(context: MetricContext, pseudonymize: string | undefined, options: { minMessages?: number; url?: URL } = {}): SectionWorker | null {
    if (context.store.count < (options.minMessages ?? PARALLEL_SECTIONS_MIN_MESSAGES)) return null;
    return SectionWorker.spawn(options.url)?.begin(context, pseudonymize, options.minMessages) ?? null;
  }

  /**
   * A worker started before there is a context to give it (`begin`), or
   * null (one core, MSGWORK_THREADS=1, or it could not start). Started when
   * a parallel load has read the file, its thread and modules load (about
   * 70 ms) on the core the merge leaves idle, not after the context is made.
   */
  static spawn(url?: URL): SectionWorker | null {
    if (!parallelAllowed()) return null;
    try {
      const worker = new Worker(url ?? new URL('./section-worker.js', import.meta.url));
      worker.unref();
      return new SectionWorker(worker);
    } catch {
      return null;
    }
  }

  /** Gives a spawned worker the run's context; null, the worker stopped, when there are too few messages for it. */
  begin(context: MetricContext, pseudonymize: string | undefined, minMessages = PARALLEL_SECTIONS_MIN_MESSAGES): SectionWorker | null {
    if (context.store.count < minMessages || this.stopped) {
      this.stop();
      return null;
    }
    this.worker.postMessage({ context: contextData(context, pseudonymize) } satisfies ContextMessage);
    return this;
  }

  /**
   * The threads ordered in the worker (`orderThreads`) while this thread
   * does other work; null when it failed or stopped, or when there are too
   * few messages for it (as in `begin`): this thread orders them. Its
   * arrays are on shared memory, so nothing is copied back.
   */
  orderThreads(store: MessageStore, ahead?: Ahead, minMessages = PARALLEL_SECTIONS_MIN_MESSAGES): Promise<ThreadOrder | null> {
    if (this.stopped || store.count < minMessages) return Promise.resolve(null);
    const { count, threadCount, thread, utc, senderType, category } = store;
    return new Promise((resolve) => {
      let answered = false;
      const done = (reply: OrderReply | null) => {
        if (answered) return;
        answered = true;
        this.worker.off('message', onMessage).off('error', onFailure).off('exit', onFailure);
        resolve(reply === null || 'error' in reply ? null : reply.ordered);
      };
      const onMessage = (reply: OrderReply) => done(reply);
      const onFailure = () => done(null);
      this.worker.on('message', onMessage).on('error', onFailure).on('exit', onFailure);
      this.worker.postMessage({ order: shareArrays({ count, threadCount, thread, utc, senderType, category }), ahead } satisfies OrderMessage);
    });
  }

  /** Stops a worker that will not be asked anything. */
  stop(): void {
    this.stopped = true;
    void this.worker.terminate();
  }

  /** Its answer to one job (then it stops), or null when it failed: the caller computes those tables itself. */
  compute(job: SectionJob): Promise<{ sections: Section[]; curve?: Row[] } | null> {
    if (this.stopped) return Promise.resolve(null);
    // Held open while it computes (started unref'd: a run that ends before asking it anything does not wait for it).
    this.worker.ref();
    return new Promise((resolve) => {
      let answered = false;
      const done = (reply: SectionReply | null) => {
        if (answered) return;
        answered = true;
        void this.worker.terminate();
        resolve(reply === null || 'error' in reply ? null : reply);
      };
      this.worker.once('message', (reply: SectionReply) => done(reply));
      this.worker.once('error', () => done(null));
      this.worker.once('exit', () => done(null));
      this.worker.postMessage(job);
    });
  }
}
