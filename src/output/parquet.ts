import { parquetWriteBuffer } from 'hyparquet-writer';
import { defineColumn } from '../metrics/dictionary.js';
import type { Section } from './report.js';

/**
 * One section as Apache Parquet (SPEC 3): typed columns — counts INT32,
 * figures DOUBLE, labels UTF-8 strings — and nulls for blanks. Written with
 * hyparquet-writer: pure JavaScript, one small dependency (hyparquet), about
 * 1 MB installed, against parquet-wasm's WebAssembly module and Arrow tables
 * for files of a few hundred rows; DuckDB, pandas (pyarrow) and R (arrow)
 * read it (test/outputs.test.ts checks DuckDB and pandas).
 */
export function renderParquet(section: Section): Uint8Array {
  const columnData = section.columns.map((column) => {
    const type = defineColumn(column).type;
    const data = section.rows.map((row) => {
      const v = row[column.name] ?? null;
      if (v === null) return null;
      return type === 'string' ? String(v) : Number(v);
    });
    return { name: column.name, data, type: type === 'string' ? ('STRING' as const) : type === 'integer' ? ('INT32' as const) : ('DOUBLE' as const) };
  });
  return new Uint8Array(parquetWriteBuffer({ columnData, createdBy: 'msgwork' }));
}
