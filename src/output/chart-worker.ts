import { parentPort } from 'node:worker_threads';
import type { ChartData } from './vega-charts.js';

/**
 * The HTML report's charts in a second thread (SPEC 6 on two cores): the
 * worker starts importing Vega and Vega-Lite (a fifth of a second) while the
 * main thread still reads and computes, then draws the charts it is sent.
 */
const charts = import('./vega-charts.js');
parentPort!.once('message', (data: ChartData) => {
  charts
    .then(({ renderCharts }) => renderCharts(data))
    .then((rendered) => parentPort!.postMessage({ rendered }))
    .catch((error: unknown) => parentPort!.postMessage({ error: (error as Error).message }));
});
