// Loads a canonical CSV export into a DuckDB database file as table `messages` (sent_at as TIMESTAMP),
// for `npm run bench` to time `msgwork report --db duckdb:FILE --table messages` (SPEC 7).
import { rmSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [csv, file] = process.argv.slice(2);
rmSync(file, { force: true });
const instance = await DuckDBInstance.create(file);
const connection = await instance.connect();
const columns = ['message_id', 'thread_id', 'CAST(sent_at AS TIMESTAMP) AS sent_at', 'sender_type', 'sender_id', 'sender_role', 'patient_id', 'recipient_id', 'category', 'department', 'care_setting'];
await connection.run(`CREATE TABLE messages AS SELECT ${columns.join(', ')} FROM read_csv('${csv.replace(/'/g, "''")}', header = true, all_varchar = true)`);
connection.closeSync();
instance.closeSync();
