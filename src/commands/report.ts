import { Command } from 'commander';
import { addOptions } from '../options.js';
import { runMetrics, SECTION_NAMES } from './metrics.js';

const HELP = `
Every section — volume, after hours, latency, rounds — overall, by role and by
task category; with --by, every section once by those dimensions. The header
states the inputs, time zone, window, work hours and the rows read, used and
skipped.

Examples:
  msgwork report samples/messages.csv
  msgwork report --config samples/config.json --format html -o report.html samples/messages.csv
  msgwork report --by department,role --format csv samples/messages.csv > workload.csv`;

export function reportCommand(): Command {
  const command = new Command('report')
    .summary('every section, overall, by role and by category')
    .argument('[files...]', 'message exports (CSV, TSV, .gz); - or none for standard input')
    .addHelpText('after', HELP);
  addOptions(command, ['input', 'window', 'metrics', 'output', 'pseudonym', 'privacy']);
  command.action((files: string[], _options: unknown, self: Command) => runMetrics(self, files, SECTION_NAMES));
  return command;
}
