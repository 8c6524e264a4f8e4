// Runs a bench SQL script (bench/report.sql, or the one given with --sql NAME: bench/NAME.sql) on a CSV
// with DuckDB (@duckdb/node-api, a devDependency) on 2 threads. Prints each result set as JSON lines when --print.
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [file, ...flags] = process.argv.slice(2);
const script = flags.includes('--sql') ? flags[flags.indexOf('--sql') + 1] : 'report';
const sql = readFileSync(new URL(`./${script}.sql`, import.meta.url), 'utf8').replace(/:file/g, `'${file.replace(/'/g, "''")}'`);
const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const connection = await instance.connect();
for (const statement of sql.split(/;\s*\n/).map((s) => s.replace(/^\s*--.*$/gm, '').trim()).filter(Boolean)) {
  const reader = await connection.runAndReadAll(statement);
  if (flags.includes('--print') && /^SELECT/i.test(statement)) {
    for (const row of reader.getRowObjectsJson()) console.log(JSON.stringify(row));
    console.log('---');
  }
}
