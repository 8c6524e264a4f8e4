/**
 * Runs a generated script in a database (SPEC 7, `report --db`): DuckDB
 * (`duckdb:FILE`, the optional dependency @duckdb/node-api) or PostgreSQL
 * (`postgres://…`, through `pg`). Returns each result set as plain rows.
 */
import { InputError, UsageError } from '../errors.js';
import type { Row } from '../output/report.js';
import type { DialectName } from './dialect.js';
import type { SqlStatement } from './generate.js';

export interface Database {
  dialect: DialectName;
  /** The URL as given, for messages (the password of a postgres URL hidden). */
  shown: string;
  url: string;
}

/** Parses `--db duckdb:FILE` or `--db postgres://…` (also `postgresql://`). */
export function parseDatabase(url: string): Database {
  if (/^duckdb:/i.test(url)) {
    const file = url.slice('duckdb:'.length);
    if (file === '') throw new UsageError('--db duckdb:FILE needs a file (duckdb::memory: for an in-memory database)');
    return { dialect: 'duckdb', url: file, shown: url };
  }
  if (/^postgres(ql)?:\/\//i.test(url)) return { dialect: 'postgres', url, shown: url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@') };
  throw new UsageError(`--db: "${url.slice(0, 60)}" is not duckdb:FILE or postgres://user@host/database`);
}

type Value = unknown;

/** A database value as a report cell: numbers as numbers (BIGINT, HUGEINT and NUMERIC too), text as text. */
function cell(value: Value): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  const maybe = value as { toDouble?: () => number };
  if (typeof maybe.toDouble === 'function') return maybe.toDouble();
  return String(value);
}

function plainRows(rows: Record<string, Value>[]): Row[] {
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, cell(v)])));
}

/** Runs the statements in order; returns the result sets by name. */
export async function runScript(db: Database, statements: readonly SqlStatement[]): Promise<Map<string, Row[]>> {
  return db.dialect === 'duckdb' ? runDuckDb(db, statements) : runPostgres(db, statements);
}

async function runDuckDb(db: Database, statements: readonly SqlStatement[]): Promise<Map<string, Row[]>> {
  let api: typeof import('@duckdb/node-api');
  try {
    api = await import('@duckdb/node-api');
  } catch {
    throw new UsageError('--db duckdb: needs the optional dependency @duckdb/node-api, which is not installed here (npm ci installs it where DuckDB has a build for this platform)');
  }
  let instance: import('@duckdb/node-api').DuckDBInstance;
  try {
    instance = await api.DuckDBInstance.create(db.url, db.url === ':memory:' ? {} : { access_mode: 'READ_ONLY' });
  } catch (error) {
    throw new InputError(`--db ${db.shown}: cannot open the database: ${(error as Error).message.split('\n')[0]}`);
  }
  const connection = await instance.connect();
  const out = new Map<string, Row[]>();
  try {
    for (const statement of statements) {
      try {
        const reader = await connection.runAndReadAll(statement.sql);
        if (statement.result) out.set(statement.result, plainRows(reader.getRowObjectsJS() as Record<string, Value>[]));
      } catch (error) {
        throw queryError(db, statement, error);
      }
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return out;
}

async function runPostgres(db: Database, statements: readonly SqlStatement[]): Promise<Map<string, Row[]>> {
  const { default: pg } = await import('pg');
  // 64-bit integers and NUMERIC as numbers: counts and sums fit a double exactly.
  const types = {
    getTypeParser: (oid: number, format?: string) => (oid === 20 || oid === 1700 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')),
  };
  const client = new pg.Client({ connectionString: db.url, types });
  try {
    await client.connect();
  } catch (error) {
    throw new InputError(`--db ${db.shown}: cannot connect: ${(error as Error).message.split('\n')[0]}`);
  }
  const out = new Map<string, Row[]>();
  try {
    for (const statement of statements) {
      try {
        const result = await client.query(statement.sql);
        const last = Array.isArray(result) ? result.at(-1) : result;
        if (statement.result) out.set(statement.result, plainRows(last.rows as Record<string, Value>[]));
      } catch (error) {
        throw queryError(db, statement, error);
      }
    }
  } finally {
    await client.end();
  }
  return out;
}

/** A failed statement: the engine's message (the table or a column missing, most often) and which step. */
function queryError(db: Database, statement: SqlStatement, error: unknown): Error {
  if (error instanceof InputError || error instanceof UsageError) return error;
  // The engine's first line, cut short: it may quote a value of the table.
  const message = ((error as Error).message?.split('\n')[0] ?? String(error)).slice(0, 300);
  const step = statement.result ?? /(?:TABLE|INTO|VIEW)\s+#?(\w+)/i.exec(statement.sql)?.[1] ?? 'set-up';
  return new InputError(`--db ${db.shown}: the query failed at ${step}: ${message} (the table needs the canonical columns: message_id, thread_id, sent_at, sender_type, sender_id, sender_role, patient_id, recipient_id, category, department, care_setting; see msgwork sql --help)`);
}
