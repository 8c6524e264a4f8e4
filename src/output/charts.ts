import type { Worker } from 'node:worker_threads';
import { takeChartWorker } from './chart-worker-start.js';
import type { ChartData, RenderedChart } from './vega-charts.js';

/** Draws the charts, in the worker when it could be started, else here. */
export interface ChartRenderer {
  /** Part of the chart data, final, as soon as it is known: the worker draws its charts while the other tables are computed. */
  drawEarly(part: Partial<ChartData>): void;
  render(data: ChartData): Promise<RenderedChart[]>;
}

/**
 * Starts the chart worker now, or takes the one `bin/msgwork` started
 * (`chart-worker-start.ts`), so that Vega loads while the data is read
 * (`chart-worker.ts`). If the worker cannot start or fails, the charts are
 * drawn in this thread: the same SVG either way.
 */
export function startChartRenderer(): ChartRenderer {
  let worker: Worker | null = null;
  try {
    const started = takeChartWorker();
    worker = started;
    started.on('error', () => {
      worker = null;
    });
  } catch {
    worker = null;
  }
  const here = async (data: ChartData) => (await import('./vega-charts.js')).renderCharts(data);
  return {
    drawEarly(part) {
      worker?.postMessage({ part });
    },
    render(data) {
      const w = worker;
      if (w === null) return here(data);
      return new Promise<RenderedChart[]>((resolve) => {
        w.once('message', (reply: { rendered?: RenderedChart[]; error?: string }) => {
          void w.terminate();
          if (reply.rendered) resolve(reply.rendered);
          else resolve(here(data));
        });
        w.once('error', () => resolve(here(data)));
        w.postMessage({ data });
      });
    },
  };
}
