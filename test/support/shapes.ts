import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalTwin, renderShape, type Shape } from '../../src/generate/shapes.js';
import { generate, rosterCsv } from '../../src/generate/synthetic.js';

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
  const batches = generate({ threads, seed, start, days });
  let csv = '';
  let next = batches.next();
  while (!next.done) {
    csv += next.value;
    next = batches.next();
  }
  writeFileSync(join(dir, 'twin.csv'), canonicalTwin(csv));
  writeFileSync(join(dir, 'roster.csv'), rosterCsv(next.value));
  for (const shape of shapes) writeFileSync(join(dir, SHAPE_FILES[shape]), await renderShape(csv, shape));
}
