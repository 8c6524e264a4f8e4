import { Command } from 'commander';
import { addOptions } from '../options.js';
import { runMetrics } from './metrics.js';

const HELP = `
Hours from a patient's first message in a run to the first clinician reply in
the same thread: median, p90, mean, the share answered within 24 h and 72 h
(--within for other bounds; unanswered messages count as not within), and the
same in business time (time inside the work window).

Examples:
  msgwork latency --by role samples/messages.csv
  msgwork latency --by category --within 4h,24h,72h --format csv samples/messages.csv`;

export function latencyCommand(): Command {
  const command = new Command('latency')
    .summary('how fast patients get an answer')
    .argument('[files...]', 'message exports (CSV, TSV, .gz); - or none for standard input')
    .addHelpText('after', HELP);
  addOptions(command, ['input', 'window', 'metrics', 'output', 'pseudonym', 'privacy']);
  command.action((files: string[], _options: unknown, self: Command) => runMetrics(self, files, ['latency']));
  return command;
}
