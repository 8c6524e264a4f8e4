import { readFileSync } from 'node:fs';
import { table } from './fixtures.js';

/** The canonical columns a warehouse table holds (SPEC 7); sent_at becomes a TIMESTAMP. */
export const TABLE_COLUMNS = ['message_id', 'thread_id', 'sent_at', 'sender_type', 'sender_id', 'sender_role', 'patient_id', 'recipient_id', 'category', 'department', 'care_setting'] as const;

/** Copies a canonical CSV export into a DuckDB database file as table `name` (empty fields as NULL). */
export async function loadDuckDb(file: string, tables: Record<string, string>): Promise<void> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  for (const [name, csv] of Object.entries(tables)) {
    const columns = TABLE_COLUMNS.map((c) => (c === 'sent_at' ? 'CAST(sent_at AS TIMESTAMP) AS sent_at' : c)).join(', ');
    await connection.run(`CREATE OR REPLACE TABLE ${name} AS SELECT ${columns} FROM read_csv('${csv.replace(/'/g, "''")}', header = true, all_varchar = true)`);
  }
  connection.closeSync();
  instance.closeSync();
}

/** Copies canonical CSV exports into PostgreSQL tables (sent_at TIMESTAMP, the rest TEXT), 500 rows a statement. */
export async function loadPostgres(url: string, tables: Record<string, string>): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const [name, csv] of Object.entries(tables)) {
      const { header, rows } = table(readFileSync(csv, 'utf8'));
      const at = TABLE_COLUMNS.map((c) => header.indexOf(c));
      await client.query(`DROP TABLE IF EXISTS ${name}; CREATE TABLE ${name} (${TABLE_COLUMNS.map((c) => `${c} ${c === 'sent_at' ? 'TIMESTAMP' : 'TEXT'}`).join(', ')})`);
      for (let from = 0; from < rows.length; from += 500) {
        const batch = rows.slice(from, from + 500);
        const values: (string | null)[] = [];
        const tuples = batch.map((row, r) => {
          at.forEach((i) => values.push(i < 0 || row[i] === '' ? null : row[i]!));
          return `(${TABLE_COLUMNS.map((_, c) => `$${r * TABLE_COLUMNS.length + c + 1}`).join(', ')})`;
        });
        await client.query(`INSERT INTO ${name} VALUES ${tuples.join(', ')}`, values);
      }
    }
  } finally {
    await client.end();
  }
}
