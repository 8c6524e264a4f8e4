import type { Command } from 'commander';
import { metricCommand } from './metrics.js';

const HELP = `
Clinician messages sent (clinicians, share, mean and median per clinician),
patient messages, patients and threads per group. --by clinician gives the
per-clinician view: messages sent and received, threads, patients, active
days, messages per active day and per FTE-week (with a roster fte).

Examples:
  npx msgwork volume --by role samples/messages.csv
  npx msgwork volume --by clinician --roster samples/roster.csv samples/messages.csv`;

export function volumeCommand(): Command {
  return metricCommand('volume', 'messages per clinician, role, category…', HELP, ['volume']);
}
