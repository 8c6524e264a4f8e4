import { gzipSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SHAPES, GENERIC_SENDER, renderShape, type Shape } from '../src/generate/shapes.js';
import { generatedExport, tempDir } from './support/fixtures.js';
import { SHAPE_FILES } from './support/shapes.js';

/**
 * Issue 16: the parallel loader builds the same store as the serial one.
 * The worker runs compiled code, so this test loads `dist/` (built by
 * test/build.ts). Each input is read once by one thread and then split at
 * several points by two; the stores and load reports must be equal, value
 * for value, whether the worker's part was merged or (split inside a quoted
 * field, a duplicate across the split, text that is not UTF-8) read again
 * by the main thread.
 */
type Dist = {
  loadMessages: typeof import('../src/input/load.js').loadMessages;
  Zone: typeof import('../src/model/zone.js').Zone;
  getPreset: typeof import('../src/input/mapping.js').getPreset;
  makeVocabularies: typeof import('../src/input/vocabulary.js').makeVocabularies;
  inputSources: typeof import('../src/input/source.js').inputSources;
};
let dist: Dist;
const dir = tempDir('msgwork-parallel-');
const SHARES = [0.02, 0.31, 0.5, 0.77, 0.98];

beforeAll(async () => {
  const root = new URL('../dist/', import.meta.url).href;
  dist = {
    ...(await import(`${root}input/load.js`)),
    ...(await import(`${root}model/zone.js`)),
    ...(await import(`${root}input/mapping.js`)),
    ...(await import(`${root}input/vocabulary.js`)),
    ...(await import(`${root}input/source.js`)),
  } as Dist;
  const { csv } = generatedExport({ threads: 1200, seed: 5, start: '2024-03-01', days: 40 });
  writeFileSync(join(dir, 'canonical.csv'), csv);
  for (const shape of SHAPES.filter((s) => s !== 'canonical')) writeFileSync(join(dir, SHAPE_FILES[shape]), await renderShape(csv, shape));
  writeFileSync(join(dir, 'crlf.csv'), '\ufeff' + csv.replace(/\n/g, '\r\n'));
  writeFileSync(join(dir, 'canonical.csv.gz'), gzipSync(csv));
  // Subjects in quotes over several lines, and a line that starts like a record inside them, all through the file.
  const lines = csv.trimEnd().split('\n');
  const quoted = lines.map((line, i) => (i > 0 && i % 7 === 0 ? line.replace(/,([^,]*)$/, ',"$1\nM9$1,T1,2024-03-02 10:00,patient,,,P1,,x,y,z,""quoted""\n"') : line));
  writeFileSync(join(dir, 'quoted.csv'), quoted.join('\n') + '\n');
  // Row problems on both sides of any split: line numbers in errors must be the serial ones.
  const broken = lines.map((line, i) => (i > 0 && i % 97 === 0 ? line.replace(/,\d{4}-\d\d-\d\d [\d:]+,/, ',not a time,') : i % 89 === 0 && i > 0 ? `${line},extra` : line));
  writeFileSync(join(dir, 'broken.csv'), broken.join('\n') + '\n');
  // The second half repeats messages of the first: duplicates and recipient rows across the split.
  const repeated = [...lines, ...lines.slice(1, 400), ...lines.slice(1, 300).map((l) => l.replace(/,(C\d+),/, ',C9999,'))];
  writeFileSync(join(dir, 'repeated.csv'), repeated.join('\n') + '\n');
  // Over 3 MB, so a worker reads its part in several 1 MB chunks into one buffer: records and UTF-8 letters cut
  // at a chunk's end must be copied, not kept as views of memory read into again (Buffer's slice is a view).
  const big = generatedExport({ threads: 9000, seed: 8, start: '2024-01-01', days: 120 }).csv.trimEnd().split('\n');
  const letters = big.map((line, i) => (i === 0 ? line : line.replace(/,([^,]*)$/, i % 3 === 0 ? ',"Grüße, Ärztin Łódź — $1"' : ',Grüße — $1 ✓')));
  writeFileSync(join(dir, 'large-utf8.csv'), letters.join('\n') + '\n');
  writeFileSync(join(dir, 'large-utf8.csv.gz'), gzipSync(letters.join('\n') + '\n'));
  writeFileSync(join(dir, 'part-1.csv'), lines.slice(0, 2000).join('\n') + '\n');
  writeFileSync(join(dir, 'part-2.csv'), [lines[0], ...lines.slice(2000)].join('\n') + '\n');
}, 60_000);

/** Everything loadMessages returns, as plain data. */
async function load(files: string[], shape: Shape | 'canonical', parallel: { minBytes: number; share: number } | null) {
  const epic = shape === 'epic-ehi';
  let reads = 0;
  const { store, report } = await dist.loadMessages({
    sources: dist.inputSources(files.map((f) => join(dir, f))),
    preset: dist.getPreset(epic ? 'epic-clarity' : 'canonical'),
    map: new Map(),
    zone: new dist.Zone('America/New_York'),
    vocabularies: dist.makeVocabularies({ sender_type: dist.getPreset(epic ? 'epic-clarity' : 'canonical').senderTypes ?? {} }),
    systemSenders: epic ? [GENERIC_SENDER] : [],
    parallel,
    onParallelRead: () => reads++,
  });
  const { messageIds, extraRecipients, ...columns } = store;
  const { parallelParts, ...rest } = report;
  return {
    parallelParts,
    reads,
    loaded: {
      columns: Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, ArrayBuffer.isView(v) ? Array.from(v as Int32Array) : v])),
      messageIds: Array.from({ length: messageIds.size }, (_, k) => messageIds.value(k)),
      extraRecipients: [...extraRecipients],
      report: { ...rest, skipped: [...rest.skipped], systemBySender: [...rest.systemBySender] },
    },
  };
}

const CASES: { name: string; files: string[]; shape?: Shape; merged: 'yes' | 'no' | 'some' }[] = [
  { name: 'canonical CSV', files: ['canonical.csv'], merged: 'yes' },
  { name: 'CRLF with a byte-order mark', files: ['crlf.csv'], merged: 'yes' },
  { name: 'quoted fields over several lines (some splits fall inside one)', files: ['quoted.csv'], merged: 'some' },
  { name: 'bad rows on both sides of the split', files: ['broken.csv'], merged: 'yes' },
  // Every split has repeats of the first part's ids after it: the main thread reads the rest itself.
  { name: 'duplicates and further recipients across the split', files: ['repeated.csv'], merged: 'no' },
  { name: 'several files', files: ['part-1.csv', 'part-2.csv'], merged: 'yes' },
  { name: 'over 3 MB of UTF-8 letters and quoted fields (a worker reads several chunks)', files: ['large-utf8.csv'], merged: 'yes' },
  { name: 'gzip (one thread)', files: ['canonical.csv.gz'], merged: 'no' },
  ...SHAPES.filter((s) => s !== 'canonical').map((shape) => ({
    name: `shape ${shape}`,
    files: [SHAPE_FILES[shape]],
    shape,
    merged: (['utf-16', 'xlsx', 'windows-1252'].includes(shape) ? 'no' : 'some') as 'no' | 'some',
  })),
];

describe('the parallel loader builds the store the serial loader builds (issue 16)', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const serial = await load(c.files, c.shape ?? 'canonical', null);
      expect(serial.parallelParts).toBe(0);
      expect(serial.reads).toBe(0);
      let merged = 0;
      for (const share of SHARES) {
        const parallel = await load(c.files, c.shape ?? 'canonical', { minBytes: 0, share });
        expect(parallel.loaded, `split at ${share}`).toEqual(serial.loaded);
        // Told once both threads have read (the section worker starts then), for each part merged at least.
        expect(parallel.reads).toBeGreaterThanOrEqual(parallel.parallelParts);
        merged += parallel.parallelParts;
      }
      if (c.merged === 'no') expect(merged).toBe(0);
      else if (c.merged === 'yes') expect(merged).toBeGreaterThanOrEqual(SHARES.length * c.files.length - 1);
      else expect(merged).toBeGreaterThan(0);
    });
  }

  it('reads a plain file into one reused buffer as a stream reads it (gzip is read from a stream)', async () => {
    const plain = await load(['large-utf8.csv'], 'canonical', null);
    const gzip = await load(['large-utf8.csv.gz'], 'canonical', null);
    expect(plain.loaded.columns).toEqual(gzip.loaded.columns);
    expect(plain.loaded.messageIds).toEqual(gzip.loaded.messageIds);
    expect(plain.loaded.report.rowsUsed).toBeGreaterThan(25_000);
  });

  it('reads standard input in one thread', async () => {
    const { spawnSync } = await import('node:child_process');
    const { readFileSync } = await import('node:fs');
    const run = (args: string[], input?: Buffer) => spawnSync(process.execPath, ['bin/msgwork', 'report', '--timezone', 'UTC', '--format', 'json', ...args], { input, encoding: 'utf8', env: { ...process.env, MSGWORK_THREADS: '' } });
    const fromFile = run([join(dir, 'canonical.csv')]);
    const fromStdin = run(['-'], readFileSync(join(dir, 'canonical.csv')));
    expect(fromStdin.status, fromStdin.stderr).toBe(0);
    expect(JSON.parse(fromStdin.stdout).sections).toEqual(JSON.parse(fromFile.stdout).sections);
  });
});
