import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { generateText, random, rosterCsv, type GenerateOptions } from '../../src/generate/synthetic.js';

/** A fresh temporary folder for one test. */
export function tempDir(prefix = 'msgwork-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A generated export (canonical columns) and its roster, as text. */
export function generatedExport(options: GenerateOptions): { csv: string; roster: string } {
  const { csv, generated } = generateText(options);
  return { csv, roster: rosterCsv(generated) };
}

/** A small generated export over March 2024. */
export function smallExport(threads = 60, seed = 3): { csv: string; roster: string } {
  return generatedExport({ threads, seed, start: '2024-03-01', days: 30 });
}

/** Header and rows of a CSV text (via csv-parse). */
export function table(csv: string): { header: string[]; rows: string[][] } {
  const all = parse(csv, { bom: true }) as string[][];
  return { header: all[0]!, rows: all.slice(1) };
}

/** CSV text, every field quoted, with the given line ending. */
export function toCsv(header: string[], rows: string[][], { eol = '\n', quoteAll = false } = {}): string {
  const cell = (v: string) => (quoteAll || /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [header, ...rows].map((r) => r.map(cell).join(',')).join(eol) + eol;
}

/** Rows in a seeded random order. */
export function shuffle<T>(items: T[], seed: number): T[] {
  const rand = random(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export function write(dir: string, name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
