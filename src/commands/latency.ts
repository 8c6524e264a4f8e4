import type { Command } from 'commander';
import { metricCommand } from './metrics.js';

const HELP = `
Hours from a patient's first message in a run to the first clinician reply in
the same thread: median, p90, mean, the share answered within 24 h and 72 h
(--within for other bounds; unanswered messages count as not within), and the
same in business time (time inside the work window).

Examples:
  npx msgwork latency --by role samples/messages.csv
  npx msgwork latency --by category --within 4h,24h,72h --format csv samples/messages.csv`;

export function latencyCommand(): Command {
  return metricCommand('latency', 'how fast patients get an answer', HELP, ['latency']);
}
