import { parentPort } from 'node:worker_threads';
import type { ChartData, HoursData, RenderedChart } from './vega-charts.js';

/**
 * The HTML report's charts in a second thread (SPEC 6 on two cores): the
 * worker starts importing Vega and Vega-Lite while the main thread still
 * reads, draws the hour × weekday chart as soon as it is sent the counts
 * (while the main thread computes the tables; the first chart a thread draws
 * also pays for compiling Vega's code), then the others.
 */
const charts = import('./vega-charts.js');
let hours: { data: HoursData; chart: Promise<RenderedChart | null> } | undefined;
parentPort!.on('message', (message: { hours: HoursData } | { data: ChartData }) => {
  if ('hours' in message) {
    const data = message.hours;
    hours = { data, chart: charts.then(({ renderHoursChart }) => renderHoursChart(data)).catch(() => null) };
    return;
  }
  const { data } = message;
  charts
    .then(async ({ renderCharts, sameHoursData }) => {
      const early = hours && sameHoursData(hours.data, data) ? await hours.chart : null;
      return renderCharts(data, early ? [early] : []);
    })
    .then((rendered) => parentPort!.postMessage({ rendered }))
    .catch((error: unknown) => parentPort!.postMessage({ error: (error as Error).message }));
});
