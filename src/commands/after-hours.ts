import type { Command } from 'commander';
import { metricCommand } from './metrics.js';

const HELP = `
Clinician messages outside the work window and in the evening band, days
with after-hours work, and the estimated after-hours time from sessions of
messages (an estimate from send times, not measured time). The table format
also draws clinician messages by hour of day and weekday.

Examples:
  npx msgwork after-hours --by role --holidays us-federal samples/messages.csv
  npx msgwork after-hours --by clinician --session-gap 20 --format csv samples/messages.csv`;

export function afterHoursCommand(): Command {
  return metricCommand('after-hours', 'after-hours ("pajama time") messages and estimated time', HELP, ['after-hours']);
}
