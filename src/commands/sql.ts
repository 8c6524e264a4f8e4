import { Command } from 'commander';
import { UsageError } from '../errors.js';
import { parseBy, type Dimension } from '../model/groups.js';
import { addOptions, inputSettings, mergedOptions, optionString } from '../options.js';
import { checkOutputIsNotInput, writeOutput } from '../output/sink.js';
import { DIALECT_NAMES, EXECUTED_DIALECTS, type DialectName } from '../sql/dialect.js';
import { generateSql, SQL_SECTIONS } from '../sql/generate.js';
import { sqlOptions } from '../sql/settings.js';
import { VERSION } from '../version.js';
import { metricSettings } from './metrics.js';

const HELP = `
Prints one SQL script that computes every section of \`report\` (overall, by
role and by category; with --by, by those dimensions) inside a database, from
a table or view with the canonical columns: message_id, thread_id, sent_at (a
timestamp without time zone, wall-clock time in --input-timezone, else
--timezone), sender_type, sender_id, sender_role, patient_id, recipient_id,
category, department, care_setting (NULL where the export has none). One row
per message. Each section and grouping is one result set whose columns carry
the CSV contract's names (msgwork columns). The script converts time zones
itself, whatever the session's zone is.

Dialects: duckdb and postgres are executed in msgwork's tests and equal the
in-memory engine; tsql (SQL Server 2025 / Azure SQL: REGEXP_REPLACE, Windows
zone names from CLDR), snowflake, bigquery and spark are generated and checked
by a SQL parser for that dialect, not executed here.

Not in SQL: --roster (join it into the view), --ci, pseudonyms (report --db
adds them), duplicate rows and one-row-per-recipient exports (make the view
one row per message). Holidays are listed for 1989-2099.

Examples:
  npx msgwork sql --dialect duckdb --table messages --timezone America/New_York
  npx msgwork sql --dialect postgres --table messages --by month --holidays us-federal -o workload.sql
  npx msgwork sql --dialect tsql --table dbo.portal_messages --timezone America/Chicago --period 2024-03`;

export function sqlCommand(): Command {
  const command = new Command('sql')
    .summary("the report's definitions as SQL for a warehouse: duckdb, postgres, tsql, snowflake, bigquery, spark")
    .description("the report's definitions as one SQL script for a database engine")
    .addHelpText('after', HELP);
  // Options about reading files do not apply: the table has the canonical columns.
  const fileOptions = new Set(['--preset', '--map', '--roster', '--delimiter', '--quote', '--encoding', '--sheet', '--time-format', '--strict', '--format', '--db', '--ci']);
  addOptions(command, ['input', 'window', 'metrics', 'output', 'sql', 'database'], undefined, fileOptions);
  command.action(async (_options: unknown, self: Command) => {
    const { raw, config } = await mergedOptions(self);
    const dialect = optionString(raw, 'dialect') as DialectName | undefined;
    if (dialect === undefined) throw new UsageError(`--dialect is required: one of ${DIALECT_NAMES.join(', ')}`);
    const settings = inputSettings([], raw, config);
    const dims: Dimension[] = parseBy(optionString(raw, 'by'));
    const views: Dimension[][] = dims.length ? [dims] : [[], ['role'], ['category']];
    const metric = metricSettings(raw);
    const statements = generateSql(await sqlOptions(settings, metric, dialect, optionString(raw, 'table') ?? '', SQL_SECTIONS, views));
    const output = optionString(raw, 'output');
    checkOutputIsNotInput(output, [config?.file ?? null]);
    const header = [
      `-- msgwork ${VERSION} sql --dialect ${dialect}: the definitions of msgwork report (SPEC 2) for table ${optionString(raw, 'table')}.`,
      `-- ${EXECUTED_DIALECTS.has(dialect) ? 'Executed in msgwork\'s tests, equal to the in-memory engine.' : 'Generated and parsed, not executed in msgwork\'s tests.'}`,
      `-- Time zone ${settings.zone.name}; sent_at read in ${settings.inputZone.name}; work window ${settings.workDaysText} ${settings.workHoursText}${settings.holidays ? `, holidays ${settings.holidays}` : ''}.`,
      '-- Result sets in order: run (window, follow-up, row counts), then each section and grouping (the line before each names it).',
      '',
    ];
    const body = statements.map((s) => `${s.result ? `-- result: ${s.result}\n` : ''}${s.sql};\n`).join('\n');
    await writeOutput(header.join('\n') + body, output);
  });
  return command;
}
