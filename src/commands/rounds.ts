import { Command } from 'commander';
import { addOptions } from '../options.js';
import { runMetrics } from './metrics.js';

const HELP = `
Rounds per thread (a patient run followed by a clinician run): mean, median,
the share of threads with at most 4 rounds, the histogram 0…5+, and the
median thread duration.

Examples:
  msgwork rounds --by category samples/messages.csv`;

export function roundsCommand(): Command {
  const command = new Command('rounds')
    .summary('back-and-forth rounds per thread')
    .argument('[files...]', 'message exports (CSV, TSV, .gz); - or none for standard input')
    .addHelpText('after', HELP);
  addOptions(command, ['input', 'window', 'metrics', 'output', 'pseudonym', 'privacy']);
  command.action((files: string[], _options: unknown, self: Command) => runMetrics(self, files, ['rounds']));
  return command;
}
