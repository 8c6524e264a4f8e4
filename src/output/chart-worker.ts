import { parentPort } from 'node:worker_threads';
import type { ChartData } from './vega-charts.js';

/**
 * The HTML report's charts in a second thread (SPEC 6 on two cores): the
 * worker starts importing Vega while the main thread still reads (the
 * specs were compiled from Vega-Lite when msgwork was built), and draws each chart as soon as it is sent the part of the data the
 * chart reads (the hour × weekday counts once the messages are read, the
 * others as the main thread computes their tables; `ChartDrawer`), then
 * answers the final data with every chart.
 */
const drawer = import('./vega-charts.js').then(({ ChartDrawer }) => {
  const d = new ChartDrawer();
  d.warmUp();
  return d;
});
parentPort!.on('message', (message: { part: Partial<ChartData> } | { data: ChartData }) => {
  if ('part' in message) {
    void drawer.then((d) => d.add(message.part));
    return;
  }
  drawer
    .then((d) => d.all(message.data))
    .then((rendered) => parentPort!.postMessage({ rendered }))
    .catch((error: unknown) => parentPort!.postMessage({ error: (error as Error).message }));
});
