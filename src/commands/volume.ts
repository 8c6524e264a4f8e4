import { Command } from 'commander';
import { addOptions } from '../options.js';
import { runMetrics } from './metrics.js';

const HELP = `
Clinician messages sent (clinicians, share, mean and median per clinician),
patient messages, patients and threads per group. --by clinician gives the
per-clinician view: messages sent and received, threads, patients, active
days, messages per active day and per FTE-week (with a roster fte).

Examples:
  msgwork volume --by role samples/messages.csv
  msgwork volume --by clinician --roster samples/roster.csv samples/messages.csv`;

export function volumeCommand(): Command {
  const command = new Command('volume')
    .summary('messages per clinician, role, category…')
    .argument('[files...]', 'message exports (CSV, TSV, .gz); - or none for standard input')
    .addHelpText('after', HELP);
  addOptions(command, ['input', 'window', 'metrics', 'output', 'pseudonym', 'privacy']);
  command.action((files: string[], _options: unknown, self: Command) => runMetrics(self, files, ['volume']));
  return command;
}
