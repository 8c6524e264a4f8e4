import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './support/fixtures.js';

/**
 * SPEC 3 "One file per section" and issue 14: what `report -o DIR/` writes
 * loads as it is in DuckDB, pandas and R — unique column names, the right
 * row counts, counts as integers, figures as doubles, blanks as nulls, and
 * the values of the JSON output — and the README's loading snippets run.
 */
const BIN = resolve('bin/msgwork');
const dir = tempDir('msgwork-outputs-');
const PYTHON = '/usr/bin/python3';
const hasPandas = spawnSync(PYTHON, ['-c', 'import pandas'], { encoding: 'utf8' }).status === 0;
const hasPyarrow = hasPandas && spawnSync(PYTHON, ['-c', 'import pyarrow'], { encoding: 'utf8' }).status === 0;
const hasR = spawnSync('Rscript', ['--version']).status === 0;

type Manifest = { files: { file: string; section: string; rows: number; columns: { name: string; type: string }[] }[] };
let manifest: Manifest;
let json: Record<string, { rows: Record<string, unknown>[] }>;

function run(args: string[]) {
  const out = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 1 << 26 });
  expect(out.status, out.stderr).toBe(0);
  return out;
}

/** The README's ```lang blocks under "Loading the results". */
function readmeSnippets(lang: string): string[] {
  const readme = readFileSync('README.md', 'utf8');
  const part = readme.slice(readme.indexOf('## Loading the results'), readme.indexOf('\n## ', readme.indexOf('## Loading the results') + 5));
  return [...part.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

beforeAll(() => {
  cpSync('samples', join(dir, 'samples'), { recursive: true });
  // The README's own commands make the folders.
  for (const line of readmeSnippets('sh').join('\n').split('\n').filter((l) => l.startsWith('npx msgwork '))) {
    run(line.replace(/^npx msgwork /, '').match(/'[^']*'|\S+/g)!.map((w) => w.replace(/^'|'$/g, '')));
  }
  manifest = JSON.parse(readFileSync(join(dir, 'results/manifest.json'), 'utf8'));
  json = JSON.parse(run(['report', '--config', 'samples/config.json', '--format', 'json', 'samples/messages.csv']).stdout).sections;
}, 60_000);

function sameValue(actual: unknown, expected: unknown, what: string) {
  if (expected === null || expected === undefined) return expect(actual ?? null, what).toBeNull();
  if (typeof expected === 'number') return expect(Math.abs(Number(actual) - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
  return expect(actual, what).toBe(expected);
}

describe('report -o DIR/: one file per section and a manifest', () => {
  it('writes every section of the report, csv and parquet, and nothing half-made', () => {
    const files = readdirSync(join(dir, 'results')).sort();
    expect(files.filter((f) => f.endsWith('.csv'))).toHaveLength(12);
    expect(files.filter((f) => f.endsWith('.parquet'))).toHaveLength(12);
    expect(files.some((f) => f.startsWith('.msgwork-'))).toBe(false);
    expect(manifest.files.map((f) => f.section).sort()).toEqual(Object.keys(json).sort());
  });

  it('DuckDB loads every CSV and Parquet file with unique names, the rows, the types and the values of the JSON output', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    for (const entry of manifest.files) {
      const expected = json[entry.section]!.rows;
      for (const ext of ['csv', 'parquet']) {
        const path = join(dir, 'results', entry.file.replace(/\.[a-z]+$/, `.${ext}`));
        const reader = ext === 'csv' ? `read_csv('${path}')` : `'${path}'`;
        const described = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${reader}`)).getRowObjects() as { column_name: string; column_type: string }[];
        const names = described.map((d) => d.column_name);
        expect(new Set(names).size, `${path}: unique column names`).toBe(names.length);
        expect(names).toEqual(entry.columns.map((c) => c.name));
        const rows = (await connection.runAndReadAll(`SELECT * FROM ${reader}`)).getRowObjectsJS() as Record<string, unknown>[];
        expect(rows.length, path).toBe(entry.rows);
        expect(rows.length).toBe(expected.length);
        for (const column of entry.columns) {
          const type = described.find((d) => d.column_name === column.name)!.column_type;
          const allNull = expected.every((r) => r[column.name] === null);
          if (column.type === 'integer') expect(['BIGINT', 'INTEGER'], `${path} ${column.name}`).toContain(type);
          else if (column.type === 'double') expect(allNull && ext === 'csv' ? ['DOUBLE', 'VARCHAR'] : ['DOUBLE'], `${path} ${column.name} is ${type}`).toContain(type);
          else expect(type, `${path} ${column.name}`).toBe('VARCHAR');
          rows.forEach((row, i) => sameValue(typeof row[column.name] === 'bigint' ? Number(row[column.name]) : row[column.name], expected[i]![column.name], `${path} row ${i} ${column.name}`));
        }
      }
    }
    connection.closeSync();
  }, 60_000);

  it.runIf(hasPandas)('pandas loads every CSV file (and Parquet where pyarrow is installed) with the types and values', () => {
    const script = `
import json, sys, glob, os
import pandas as pd
manifest = json.load(open("results/manifest.json"))
expected = json.load(sys.stdin)
out = []
for entry in manifest["files"]:
    kinds = ["csv"] + (["parquet"] if ${hasPyarrow ? 'True' : 'False'} else [])
    for ext in kinds:
        path = "results/" + entry["file"].rsplit(".", 1)[0] + "." + ext
        frame = pd.read_csv(path) if ext == "csv" else pd.read_parquet(path)
        assert list(frame.columns) == [c["name"] for c in entry["columns"]], path
        assert len(frame) == entry["rows"], path
        rows = expected[entry["section"]]["rows"]
        for c in entry["columns"]:
            dtype = str(frame[c["name"]].dtype)
            has_null = any(r[c["name"]] is None for r in rows)
            if c["type"] == "integer":
                assert dtype in (("int64", "int32") if not has_null else ("float64", "Int64", "Int32")), (path, c["name"], dtype)
            elif c["type"] == "double":
                assert dtype == "float64", (path, c["name"], dtype)
            for i, r in enumerate(rows):
                v, e = frame[c["name"]].iloc[i], r[c["name"]]
                if e is None:
                    assert pd.isna(v), (path, c["name"], i)
                elif isinstance(e, (int, float)):
                    assert abs(float(v) - e) <= 1e-9 * max(1, abs(e)), (path, c["name"], i, v, e)
                else:
                    assert v == e, (path, c["name"], i, v, e)
        out.append(path)
print(len(out))
`;
    const out = spawnSync(PYTHON, ['-c', script], { cwd: dir, input: JSON.stringify(json), encoding: 'utf8', maxBuffer: 1 << 26 });
    expect(out.status, out.stderr).toBe(0);
    expect(Number(out.stdout.trim())).toBe(hasPyarrow ? 24 : 12);
  }, 60_000);
  if (!hasPandas) it.skip('pandas is not installed for /usr/bin/python3 (apt-get install python3-pandas): not checked', () => {});
});

describe("the README's loading snippets run", () => {
  it.runIf(hasPandas)('pandas', () => {
    for (const snippet of readmeSnippets('python')) {
      const out = spawnSync(PYTHON, ['-c', snippet], { cwd: dir, encoding: 'utf8' });
      expect(out.status, out.stderr).toBe(0);
    }
  });
  it.runIf(hasR)('R', () => {
    for (const snippet of readmeSnippets('r')) {
      writeFileSync(join(dir, 'snippet.R'), snippet);
      const out = spawnSync('Rscript', ['snippet.R'], { cwd: dir, encoding: 'utf8' });
      expect(out.status, out.stderr).toBe(0);
    }
  });
  if (!hasR) it.skip('R is not installed (apt-get install r-base-core): the R snippet is not run', () => {});
  it('DuckDB', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    const cwd = process.cwd();
    const statements = readmeSnippets('sql').join('\n');
    process.chdir(dir);
    try {
      for (const statement of statements.split(';').map((s) => s.trim()).filter(Boolean)) {
        const rows = (await connection.runAndReadAll(statement)).getRowObjects();
        expect(rows.length, statement).toBeGreaterThan(0);
      }
    } finally {
      process.chdir(cwd);
      connection.closeSync();
    }
  });
});
