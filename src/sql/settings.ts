/**
 * The options of `sql` and `report --db` as the generator takes them, and
 * what SQL cannot do that the in-memory engine can (SPEC 7): said plainly,
 * as a usage error, rather than computed differently.
 */
import { UsageError } from '../errors.js';
import { loadHolidays } from '../model/calendar.js';
import type { Dimension } from '../model/groups.js';
import type { MetricSettings } from '../metrics/context.js';
import type { InputSettings } from '../options.js';
import { DIALECTS, type DialectName } from './dialect.js';
import type { SqlOptions, SqlSection } from './generate.js';

/** `--table`: a table or view name (dots for schema and catalog), or for DuckDB a table function such as read_parquet('x.parquet'). */
export function checkTable(text: string | undefined, dialect: DialectName): string {
  if (text === undefined || text.trim() === '') throw new UsageError('--table NAME is required: the table or view with the canonical columns');
  const table = text.trim();
  if (/;|--|\/\*/.test(table)) throw new UsageError('--table: give one table or view name, not SQL statements');
  const name = /^[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*){0,2}$|^"[^"]+"(\."[^"]+"){0,2}$|^\[[^\]]+\](\.\[[^\]]+\]){0,2}$|^`[^`]+`$/;
  const tableFunction = /^(read_parquet|read_csv|read_csv_auto|parquet_scan|read_json_auto)\s*\(.*\)$/is;
  if (name.test(table) || (dialect === 'duckdb' && tableFunction.test(table))) return table;
  throw new UsageError(`--table: "${table.slice(0, 60)}" is not a table or view name${dialect === 'duckdb' ? " (or read_parquet('FILE'))" : ''}`);
}

/** The years holidays are listed for in a script: every year a plausible sent_at can fall in (SPEC 1.4). */
const HOLIDAY_YEARS = [1989, 2099] as const;

/** The holidays a script lists (day numbers, ascending): a file's, or us-federal for 1989-2099. */
async function sqlHolidays(settings: InputSettings): Promise<number[]> {
  return settings.holidays ? [...(await loadHolidays(settings.holidays, HOLIDAY_YEARS[0], HOLIDAY_YEARS[1]))].sort((a, b) => a - b) : [];
}

export async function sqlOptions(
  settings: InputSettings,
  metric: MetricSettings,
  dialect: DialectName,
  table: string,
  sections: readonly SqlSection[],
  views: readonly (readonly Dimension[])[],
): Promise<SqlOptions> {
  if (settings.rosterFile) throw new UsageError('--roster is not available in SQL: join the roster into the view (sender_role, department, care_setting) instead');
  if (metric.ciLevel !== undefined) throw new UsageError('--ci is not available in SQL yet: run msgwork on an export for confidence intervals');
  if (settings.preset.name !== 'canonical' || settings.map.size > 0) throw new UsageError('--preset and --map are for files; in SQL, make a view with the canonical column names (see the README)');
  const holidays = await sqlHolidays(settings);
  const since = settings.range && Number.isFinite(settings.range.since) ? settings.range.since : undefined;
  const until = settings.range && Number.isFinite(settings.range.until) ? settings.range.until : undefined;
  return {
    dialect: DIALECTS[dialect],
    table: checkTable(table, dialect),
    zone: settings.zone.name,
    inputZone: settings.inputZone.name,
    workHours: settings.workHours,
    workDays: settings.workDays,
    holidays,
    since,
    until,
    asOf: settings.asOf,
    metric,
    vocabularies: settings.vocabularies,
    systemSenders: settings.systemSenders,
    sections,
    views,
  };
}
