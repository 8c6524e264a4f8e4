/**
 * What `bin/msgwork` runs before it loads the CLI: a small module, so that
 * the chart worker of an HTML report starts while the CLI's code is still
 * being loaded (`output/chart-worker-start.ts`).
 */
export { startChartWorkerEarly } from './output/chart-worker-start.js';
