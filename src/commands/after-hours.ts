import { Command } from 'commander';
import { addOptions } from '../options.js';
import { runMetrics } from './metrics.js';

const HELP = `
Clinician messages outside the work window and in the evening band, days
with after-hours work, and the estimated after-hours time from sessions of
messages (an estimate from send times, not measured time). The table format
also draws clinician messages by hour of day and weekday.

Examples:
  msgwork after-hours --by role --holidays us-federal samples/messages.csv
  msgwork after-hours --by clinician --session-gap 20 --format csv samples/messages.csv`;

export function afterHoursCommand(): Command {
  const command = new Command('after-hours')
    .summary('after-hours ("pajama time") messages and estimated time')
    .argument('[files...]', 'message exports (CSV, TSV, .gz); - or none for standard input')
    .addHelpText('after', HELP);
  addOptions(command, ['input', 'window', 'metrics', 'output', 'pseudonym', 'privacy']);
  command.action((files: string[], _options: unknown, self: Command) => runMetrics(self, files, ['after-hours']));
  return command;
}
