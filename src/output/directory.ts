import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { defineColumn } from '../metrics/dictionary.js';
import type { Format } from '../options.js';
import { render } from './render.js';
import type { Report } from './report.js';

/** Whether -o names a folder: it ends in / or is an existing directory (SPEC 3). */
export function isDirectoryTarget(output: string | undefined): output is string {
  if (output === undefined) return false;
  return output.endsWith('/') || (existsSync(output) && statSync(output).isDirectory());
}

const EXTENSIONS: Partial<Record<Format, string>> = { csv: 'csv', json: 'json', parquet: 'parquet', markdown: 'md', table: 'txt' };

/**
 * One file per section plus manifest.json (SPEC 3 "One file per section"):
 * what R, pandas and DuckDB load without help. All or nothing: every file is
 * written into a fresh hidden folder inside the target first, and moved into
 * place only when all of them are written; a failure leaves the folder as it
 * was. The manifest holds the run's settings, each file's row count and its
 * columns with their types, units and definitions.
 */
export async function writeDirectory(report: Report, format: Format, dir: string, terminal: { width: number; color: boolean }): Promise<void> {
  const extension = EXTENSIONS[format];
  if (extension === undefined) throw new UsageError(`-o ${dir}: --format ${format} makes one page; a folder takes csv, json, parquet, markdown or table files`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new UsageError(`-o ${dir}: cannot make the folder: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const staging = join(dir, `.msgwork-${randomBytes(6).toString('hex')}`);
  const files: { file: string; section: string; title: string; rows: number; columns: ReturnType<typeof defineColumn>[] }[] = [];
  try {
    mkdirSync(staging);
    for (const section of report.sections) {
      const file = `${section.name}.${extension}`;
      const content = await render({ ...report, sections: [section] }, format, terminal);
      writeFileSync(join(staging, file), content, { flag: 'wx' });
      files.push({ file, section: section.name, title: section.title, rows: section.rows.length, columns: section.columns.map(defineColumn) });
    }
    const manifest = { tool: 'msgwork', report: report.title, format, settings: report.settings, files };
    writeFileSync(join(staging, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n', { flag: 'wx' });
    for (const { file } of files) renameSync(join(staging, file), join(dir, file));
    renameSync(join(staging, 'manifest.json'), join(dir, 'manifest.json'));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`-o ${dir}: cannot write: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
