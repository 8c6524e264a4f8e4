/**
 * What differs between SQL engines, one place per difference (SPEC 7). The
 * generator (`generate.ts`) writes portable SQL — window functions, CASE,
 * COUNT(DISTINCT), joins — and asks a dialect only for what the engines spell
 * differently: temporary tables, types, time-zone conversion, calendar
 * labels, string literals, code-unit ordering of ids.
 */

import { windowsZoneOf } from './zones.js';

export const DIALECT_NAMES = ['duckdb', 'postgres', 'tsql', 'snowflake', 'bigquery', 'spark'] as const;
export type DialectName = (typeof DIALECT_NAMES)[number];

/** The dialects whose scripts the tests run against a real engine; the others are checked by a parser only. */
export const EXECUTED_DIALECTS: ReadonlySet<DialectName> = new Set(['duckdb', 'postgres']);

export interface Dialect {
  name: DialectName;
  /** A statement creating temporary table `name` from `query` (a plain SELECT, no WITH). */
  createTemp(name: string, query: string): string;
  /** A statement dropping temporary table `name`; absent where temporary tables are views over each other (Spark). */
  dropTemp?(name: string): string;
  /** How later statements refer to temporary table `name`. */
  temp(name: string): string;
  /** A quoted identifier. */
  ident(name: string): string;
  /** A string literal. */
  text(value: string): string;
  /** A date literal `YYYY-MM-DD`. */
  date(iso: string): string;
  /** Type names. */
  double: string;
  bigint: string;
  timestamp: string;
  varchar: string;
  /** Epoch milliseconds (BIGINT) of a naive timestamp read as wall-clock time in an IANA zone, by the engine's own rules. */
  wallToEpochMs(naive: string, zone: string): string;
  /** The naive wall-clock timestamp in an IANA zone of epoch milliseconds. */
  epochMsToWall(ms: string, zone: string): string;
  /** A naive timestamp plus a whole number of minutes (a literal). */
  addMinutes(naive: string, minutes: number): string;
  /** A date plus a whole number of days (an expression). */
  addDays(date: string, days: string): string;
  /** Days from date a to date b (b − a). */
  daysBetween(a: string, b: string): string;
  /** The date of a naive timestamp. */
  dateOf(naive: string): string;
  /** A date at midnight, as a naive timestamp. */
  midnight(date: string): string;
  /** Hour (0–23) and minute (0–59) of a naive timestamp, as integers. */
  hourOf(naive: string): string;
  minuteOf(naive: string): string;
  /** Year of a date or naive timestamp, as an integer. */
  yearOf(value: string): string;
  /** ISO weekday 1 (Monday) … 7 (Sunday) of a date. */
  isoWeekday(date: string): string;
  /** `YYYY-MM` of a date. */
  monthLabel(date: string): string;
  /** ISO week `YYYY-Www` of a date. */
  isoWeekLabel(date: string): string;
  /** Replaces every match of a POSIX-style regular expression. */
  replaceAll(value: string, pattern: string, replacement: string): string;
  /** Natural logarithm. */
  ln(value: string): string;
  /** An expression ordered by UTF-16/byte code units (SPEC 2 "Ordering"), not by the session's collation. */
  binaryOrder(value: string): string;
  /** A string value of any expression. */
  toText(value: string): string;
  /** A derived table of dates (column `d`) from `YYYY-MM-DD` strings, for FROM; no rows when empty. */
  dateTable(dates: readonly string[]): string;
}

/** `(VALUES (DATE '…'), …) AS h(d)`, the form most engines take. */
function valuesDates(date: (iso: string) => string) {
  return (dates: readonly string[]) =>
    dates.length === 0 ? `(SELECT ${date('1970-01-01')} AS d FROM (SELECT 1 AS one) AS z WHERE 1 = 0) AS h` : `(VALUES ${dates.map((d) => `(${date(d)})`).join(', ')}) AS h(d)`;
}

const quoteDouble = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteBacktick = (name: string) => `\`${name.replace(/`/g, '``')}\``;
const sqlString = (value: string) => `'${value.replace(/'/g, "''")}'`;
const backslashString = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

const duckdb: Dialect = {
  name: 'duckdb',
  createTemp: (name, query) => `CREATE OR REPLACE TEMPORARY TABLE ${name} AS\n${query}`,
  dropTemp: (name) => `DROP TABLE ${name}`,
  temp: (name) => name,
  ident: quoteDouble,
  text: sqlString,
  date: (iso) => `DATE '${iso}'`,
  double: 'DOUBLE',
  bigint: 'BIGINT',
  timestamp: 'TIMESTAMP',
  varchar: 'VARCHAR',
  wallToEpochMs: (naive, zone) => `epoch_ms(timezone(${sqlString(zone)}, CAST(${naive} AS TIMESTAMP)))`,
  epochMsToWall: (ms, zone) => `timezone(${sqlString(zone)}, timezone('UTC', epoch_ms(CAST(${ms} AS BIGINT))))`,
  addMinutes: (naive, minutes) => `(CAST(${naive} AS TIMESTAMP) + INTERVAL '${minutes} minutes')`,
  addDays: (date, days) => `CAST(${date} + CAST(${days} AS INTEGER) AS DATE)`,
  daysBetween: (a, b) => `date_diff('day', ${a}, ${b})`,
  dateOf: (naive) => `CAST(${naive} AS DATE)`,
  midnight: (date) => `CAST(${date} AS TIMESTAMP)`,
  hourOf: (naive) => `CAST(EXTRACT(HOUR FROM ${naive}) AS INTEGER)`,
  minuteOf: (naive) => `CAST(EXTRACT(MINUTE FROM ${naive}) AS INTEGER)`,
  yearOf: (value) => `CAST(EXTRACT(YEAR FROM ${value}) AS INTEGER)`,
  isoWeekday: (date) => `isodow(${date})`,
  monthLabel: (date) => `strftime(${date}, '%Y-%m')`,
  isoWeekLabel: (date) => `strftime(${date}, '%G-W%V')`,
  replaceAll: (value, pattern, replacement) => `regexp_replace(${value}, ${sqlString(pattern)}, ${sqlString(replacement)}, 'g')`,
  ln: (value) => `ln(${value})`,
  binaryOrder: (value) => value, // strings compare by their UTF-8 bytes
  toText: (value) => `CAST(${value} AS VARCHAR)`,
  dateTable: valuesDates((iso) => `DATE '${iso}'`),
};

const postgres: Dialect = {
  name: 'postgres',
  createTemp: (name, query) => `DROP TABLE IF EXISTS ${name};\nCREATE TEMPORARY TABLE ${name} AS\n${query}`,
  dropTemp: (name) => `DROP TABLE ${name}`,
  temp: (name) => name,
  ident: quoteDouble,
  text: sqlString,
  date: (iso) => `DATE '${iso}'`,
  double: 'DOUBLE PRECISION',
  bigint: 'BIGINT',
  timestamp: 'TIMESTAMP',
  varchar: 'TEXT',
  wallToEpochMs: (naive, zone) => `CAST(floor(EXTRACT(EPOCH FROM (CAST(${naive} AS TIMESTAMP) AT TIME ZONE ${sqlString(zone)})) * 1000) AS BIGINT)`,
  epochMsToWall: (ms, zone) => `(to_timestamp(CAST(${ms} AS DOUBLE PRECISION) / 1000) AT TIME ZONE ${sqlString(zone)})`,
  addMinutes: (naive, minutes) => `(CAST(${naive} AS TIMESTAMP) + INTERVAL '${minutes} minutes')`,
  addDays: (date, days) => `CAST(${date} + CAST(${days} AS INTEGER) AS DATE)`,
  daysBetween: (a, b) => `(${b} - ${a})`,
  dateOf: (naive) => `CAST(${naive} AS DATE)`,
  midnight: (date) => `CAST(${date} AS TIMESTAMP)`,
  hourOf: (naive) => `CAST(EXTRACT(HOUR FROM ${naive}) AS INTEGER)`,
  minuteOf: (naive) => `CAST(EXTRACT(MINUTE FROM ${naive}) AS INTEGER)`,
  yearOf: (value) => `CAST(EXTRACT(YEAR FROM ${value}) AS INTEGER)`,
  isoWeekday: (date) => `CAST(EXTRACT(ISODOW FROM ${date}) AS INTEGER)`,
  monthLabel: (date) => `to_char(CAST(${date} AS TIMESTAMP), 'YYYY-MM')`,
  isoWeekLabel: (date) => `to_char(CAST(${date} AS TIMESTAMP), 'IYYY-"W"IW')`,
  replaceAll: (value, pattern, replacement) => `regexp_replace(${value}, ${sqlString(pattern)}, ${sqlString(replacement)}, 'g')`,
  ln: (value) => `ln(${value})`,
  binaryOrder: (value) => `${value} COLLATE "C"`,
  toText: (value) => `CAST(${value} AS TEXT)`,
  dateTable: valuesDates((iso) => `DATE '${iso}'`),
};

/** SQL Server 2025 / Azure SQL (REGEXP_REPLACE); time zones by their Windows names (CLDR's table). */
const tsql: Dialect = {
  name: 'tsql',
  createTemp: (name, query) => `DROP TABLE IF EXISTS #${name};\nSELECT * INTO #${name} FROM (\n${query}\n) AS q`,
  dropTemp: (name) => `DROP TABLE #${name}`,
  temp: (name) => `#${name}`,
  ident: (name) => `[${name.replace(/]/g, ']]')}]`,
  text: (value) => `N${sqlString(value)}`,
  date: (iso) => `CAST('${iso}' AS DATE)`,
  double: 'FLOAT',
  bigint: 'BIGINT',
  timestamp: 'DATETIME2',
  varchar: 'NVARCHAR(400)',
  wallToEpochMs: (naive, zone) => `DATEDIFF_BIG(millisecond, CAST('1970-01-01' AS DATETIME2), CAST(((CAST(${naive} AS DATETIME2) AT TIME ZONE ${sqlString(windowsZoneOf(zone))}) AT TIME ZONE 'UTC') AS DATETIME2))`,
  epochMsToWall: (ms, zone) => `CAST(((DATEADD(millisecond, CAST(${ms} % 86400000 AS INT), DATEADD(day, CAST(${ms} / 86400000 AS INT), CAST('1970-01-01' AS DATETIME2))) AT TIME ZONE 'UTC') AT TIME ZONE ${sqlString(windowsZoneOf(zone))}) AS DATETIME2)`,
  addMinutes: (naive, minutes) => `DATEADD(minute, ${minutes}, CAST(${naive} AS DATETIME2))`,
  addDays: (date, days) => `DATEADD(day, ${days}, ${date})`,
  daysBetween: (a, b) => `DATEDIFF(day, ${a}, ${b})`,
  dateOf: (naive) => `CAST(${naive} AS DATE)`,
  midnight: (date) => `CAST(${date} AS DATETIME2)`,
  hourOf: (naive) => `DATEPART(hour, ${naive})`,
  minuteOf: (naive) => `DATEPART(minute, ${naive})`,
  yearOf: (value) => `DATEPART(year, ${value})`,
  isoWeekday: (date) => `(DATEDIFF(day, CAST('1900-01-01' AS DATE), ${date}) % 7 + 1)`,
  monthLabel: (date) => `CONVERT(CHAR(7), ${date}, 126)`,
  isoWeekLabel: (date) =>
    `CONCAT(DATEPART(year, DATEADD(day, 26 - DATEPART(iso_week, ${date}), ${date})), '-W', RIGHT(CONCAT('0', DATEPART(iso_week, ${date})), 2))`,
  replaceAll: (value, pattern, replacement) => `REGEXP_REPLACE(${value}, ${sqlString(pattern)}, ${sqlString(replacement)})`,
  ln: (value) => `LOG(${value})`,
  binaryOrder: (value) => `${value} COLLATE Latin1_General_100_BIN2`,
  toText: (value) => `CAST(${value} AS NVARCHAR(400))`,
  dateTable: valuesDates((iso) => `CAST('${iso}' AS DATE)`),
};

const snowflake: Dialect = {
  name: 'snowflake',
  createTemp: (name, query) => `CREATE OR REPLACE TEMPORARY TABLE ${name} AS\n${query}`,
  dropTemp: (name) => `DROP TABLE ${name}`,
  temp: (name) => name,
  ident: quoteDouble,
  text: (value) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`,
  date: (iso) => `TO_DATE('${iso}')`,
  double: 'DOUBLE',
  bigint: 'BIGINT',
  timestamp: 'TIMESTAMP_NTZ',
  varchar: 'VARCHAR',
  wallToEpochMs: (naive, zone) => `DATE_PART(epoch_millisecond, CONVERT_TIMEZONE(${sqlString(zone)}, 'UTC', CAST(${naive} AS TIMESTAMP_NTZ)))`,
  epochMsToWall: (ms, zone) => `CONVERT_TIMEZONE('UTC', ${sqlString(zone)}, TO_TIMESTAMP_NTZ(${ms}, 3))`,
  addMinutes: (naive, minutes) => `DATEADD(minute, ${minutes}, CAST(${naive} AS TIMESTAMP_NTZ))`,
  addDays: (date, days) => `DATEADD(day, ${days}, ${date})`,
  daysBetween: (a, b) => `DATEDIFF(day, ${a}, ${b})`,
  dateOf: (naive) => `CAST(${naive} AS DATE)`,
  midnight: (date) => `CAST(${date} AS TIMESTAMP_NTZ)`,
  hourOf: (naive) => `HOUR(${naive})`,
  minuteOf: (naive) => `MINUTE(${naive})`,
  yearOf: (value) => `YEAR(${value})`,
  isoWeekday: (date) => `DAYOFWEEKISO(${date})`,
  monthLabel: (date) => `TO_CHAR(${date}, 'YYYY-MM')`,
  isoWeekLabel: (date) => `CONCAT(YEAROFWEEKISO(${date}), '-W', LPAD(WEEKISO(${date}), 2, '0'))`,
  replaceAll: (value, pattern, replacement) => `REGEXP_REPLACE(${value}, ${sqlString(pattern.replace(/\\/g, '\\\\'))}, ${sqlString(replacement)})`,
  ln: (value) => `LN(${value})`,
  binaryOrder: (value) => value, // no collation set: strings compare by their UTF-8 bytes
  toText: (value) => `CAST(${value} AS VARCHAR)`,
  dateTable: (dates) => (dates.length === 0 ? `(SELECT TO_DATE('1970-01-01') AS d FROM (SELECT 1 AS one) AS z WHERE 1 = 0) AS h` : `(SELECT TO_DATE(column1) AS d FROM VALUES ${dates.map((d) => `('${d}')`).join(', ')}) AS h`),
};

const bigquery: Dialect = {
  name: 'bigquery',
  createTemp: (name, query) => `CREATE TEMP TABLE ${name} AS\n${query}`,
  dropTemp: (name) => `DROP TABLE ${name}`,
  temp: (name) => name,
  ident: quoteBacktick,
  text: backslashString,
  date: (iso) => `DATE '${iso}'`,
  double: 'FLOAT64',
  bigint: 'INT64',
  timestamp: 'DATETIME',
  varchar: 'STRING',
  wallToEpochMs: (naive, zone) => `UNIX_MILLIS(TIMESTAMP(CAST(${naive} AS DATETIME), ${sqlString(zone)}))`,
  epochMsToWall: (ms, zone) => `DATETIME(TIMESTAMP_MILLIS(${ms}), ${sqlString(zone)})`,
  addMinutes: (naive, minutes) => `DATETIME_ADD(CAST(${naive} AS DATETIME), INTERVAL ${minutes} MINUTE)`,
  addDays: (date, days) => `DATE_ADD(${date}, INTERVAL ${days} DAY)`,
  daysBetween: (a, b) => `DATE_DIFF(${b}, ${a}, DAY)`,
  dateOf: (naive) => `DATE(${naive})`,
  midnight: (date) => `DATETIME(${date})`,
  hourOf: (naive) => `EXTRACT(HOUR FROM ${naive})`,
  minuteOf: (naive) => `EXTRACT(MINUTE FROM ${naive})`,
  yearOf: (value) => `EXTRACT(YEAR FROM ${value})`,
  isoWeekday: (date) => `MOD(EXTRACT(DAYOFWEEK FROM ${date}) + 5, 7) + 1`,
  monthLabel: (date) => `FORMAT_DATE('%Y-%m', ${date})`,
  isoWeekLabel: (date) => `FORMAT_DATE('%G-W%V', ${date})`,
  replaceAll: (value, pattern, replacement) => `REGEXP_REPLACE(${value}, ${backslashString(pattern)}, ${backslashString(replacement)})`,
  ln: (value) => `LN(${value})`,
  binaryOrder: (value) => value, // strings compare by code point unless a collation is set
  toText: (value) => `CAST(${value} AS STRING)`,
  dateTable: (dates) =>
    dates.length === 0 ? `(SELECT DATE '1970-01-01' AS d FROM (SELECT 1 AS one) AS z WHERE 1 = 0) AS h` : `(SELECT d FROM UNNEST(ARRAY<DATE>[${dates.map((d) => `DATE '${d}'`).join(', ')}]) AS d) AS h`,
};

const spark: Dialect = {
  name: 'spark',
  createTemp: (name, query) => `CREATE OR REPLACE TEMPORARY VIEW ${name} AS\n${query}`,
  temp: (name) => name,
  ident: quoteBacktick,
  text: backslashString,
  date: (iso) => `DATE '${iso}'`,
  double: 'DOUBLE',
  bigint: 'BIGINT',
  timestamp: 'TIMESTAMP',
  varchar: 'STRING',
  wallToEpochMs: (naive, zone) => `unix_millis(to_utc_timestamp(CAST(${naive} AS TIMESTAMP), ${sqlString(zone)}))`,
  epochMsToWall: (ms, zone) => `from_utc_timestamp(timestamp_millis(${ms}), ${sqlString(zone)})`,
  addMinutes: (naive, minutes) => `(CAST(${naive} AS TIMESTAMP) + make_interval(0, 0, 0, 0, 0, ${minutes}, 0))`,
  addDays: (date, days) => `date_add(${date}, CAST(${days} AS INT))`,
  daysBetween: (a, b) => `datediff(${b}, ${a})`,
  dateOf: (naive) => `to_date(${naive})`,
  midnight: (date) => `CAST(${date} AS TIMESTAMP)`,
  hourOf: (naive) => `hour(${naive})`,
  minuteOf: (naive) => `minute(${naive})`,
  yearOf: (value) => `year(${value})`,
  isoWeekday: (date) => `(weekday(${date}) + 1)`,
  monthLabel: (date) => `date_format(${date}, 'yyyy-MM')`,
  isoWeekLabel: (date) => `concat(CAST(extract(YEAROFWEEK FROM ${date}) AS STRING), '-W', lpad(CAST(weekofyear(${date}) AS STRING), 2, '0'))`,
  replaceAll: (value, pattern, replacement) => `regexp_replace(${value}, ${backslashString(pattern)}, ${backslashString(replacement)})`,
  ln: (value) => `ln(${value})`,
  binaryOrder: (value) => value, // strings compare by their UTF-8 bytes
  toText: (value) => `CAST(${value} AS STRING)`,
  dateTable: valuesDates((iso) => `DATE '${iso}'`),
};

export const DIALECTS: Record<DialectName, Dialect> = { duckdb, postgres, tsql, snowflake, bigquery, spark };
