import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { writeShapeFixtures } from './support/shapes.js';

/**
 * End-to-end tests spawn bin/msgwork, which runs dist/bundle: build it from
 * the current sources first, as `npm run build` does (tsc, then the bundle). Then write the generated inputs of the golden cases
 * that cannot be plain text in the repository (Windows-1252, UTF-16, a
 * workbook, an Epic EHI export) into test/cases/_generated (not committed).
 */
export default async function setup(): Promise<void> {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/bundle.mjs'], { stdio: 'inherit' });
  const dir = 'test/cases/_generated';
  mkdirSync(dir, { recursive: true });
  await writeShapeFixtures(dir, ['windows-1252', 'utf-16', 'xlsx', 'epic-ehi'], { threads: 40, seed: 2, days: 14, start: '2024-03-04' });
}
