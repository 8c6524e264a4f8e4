import type { Command } from 'commander';
import { metricCommand } from './metrics.js';

const HELP = `
Rounds per thread (a patient run followed by a clinician run): mean, median,
the share of threads with at most 4 rounds, the histogram 0…5+, and the
median thread duration.

Examples:
  npx msgwork rounds --by category samples/messages.csv`;

export function roundsCommand(): Command {
  return metricCommand('rounds', 'back-and-forth rounds per thread', HELP, ['rounds']);
}
