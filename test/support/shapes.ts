import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalTwin, renderShape, type Shape } from '../../src/generate/shapes.js';
import { generatedExport } from './fixtures.js';

/** File name of a shape's fixture (the extension is part of what is tested: .tsv, .txt, .xlsx). */
export const SHAPE_FILES: Record<Shape, string> = {
  canonical: 'canonical.csv',
  tsv: 'export.tsv',
  semicolon: 'semicolon.csv',
  'windows-1252': 'excel-windows.csv',
  'utf-16': 'unicode-text.txt',
  xlsx: 'workbook.xlsx',
  'epic-ehi': 'MYC_MESG.txt',
  'per-recipient': 'per-recipient.csv',
};

/**
 * Writes, into `dir`, a generated export in the given shapes, the canonical
 * UTF-8 CSV of the same messages (`twin.csv`) and the roster: the synthetic
 * fixtures of SPEC 1.1's shapes. Never real data.
 */
export async function writeShapeFixtures(dir: string, shapes: readonly Shape[], { threads = 1500, seed = 11, days = 75, start = '2024-02-20' } = {}): Promise<void> {
  const { csv, roster } = generatedExport({ threads, seed, start, days });
  writeFileSync(join(dir, 'twin.csv'), canonicalTwin(csv));
  writeFileSync(join(dir, 'roster.csv'), roster);
  for (const shape of shapes) writeFileSync(join(dir, SHAPE_FILES[shape]), await renderShape(csv, shape));
}
