import type { Command } from 'commander';
import { metricCommand, SECTION_NAMES } from './metrics.js';

const HELP = `
Every section — volume, after hours, latency, rounds — overall, by role and by
task category; with --by, every section once by those dimensions. The header
states the inputs, time zone, window, work hours and the rows read, used and
skipped.

Examples:
  npx msgwork report samples/messages.csv
  npx msgwork report --config samples/config.json --format html -o report.html samples/messages.csv
  npx msgwork report --by department,role --format csv samples/messages.csv > workload.csv
  npx msgwork report --format parquet -o results/ samples/messages.csv   # one Parquet file per section
  npx msgwork report --db duckdb::memory: --table "read_csv('samples/messages.csv')" --timezone America/New_York
      # computed by the database (the script of msgwork sql; also postgres://user@host/db)`;

export function reportCommand(): Command {
  return metricCommand('report', 'every section, overall, by role and by category', HELP, SECTION_NAMES);
}
