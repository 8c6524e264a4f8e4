import { writeFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { Command } from 'commander';
import { UsageError } from '../errors.js';
import { SHAPE_HELP, SHAPES, type Shape } from '../generate/shape-names.js';
import { generate, generateText, rosterCsv } from '../generate/synthetic.js';
import { parseDate } from '../model/calendar.js';
import { addOptions, mergedOptions, numberOption } from '../options.js';
import { AtomicFile } from '../output/sink.js';

const HELP = `
Writes a synthetic export in the canonical columns: clinicians of eight roles
in eight departments, the six task categories, diurnal sending, replies mostly
in work hours with some after-hours work, multi-round threads, a few
unanswered threads and system messages. The same seed gives the same file.
Times are wall-clock times without an offset. No real data.

--shape writes the same messages the way real exports come (made in memory:
meant for trying the readers, not for millions of threads):
${SHAPES.map((s) => `  ${s.padEnd(14)} ${SHAPE_HELP[s]}`).join('\n')}

Examples:
  npx msgwork generate --threads 3150 --seed 1 -o samples/messages.csv --roster-out samples/roster.csv
  npx msgwork generate --threads 300 --shape epic-ehi -o myc_mesg.tsv --roster-out roster.csv
  npx msgwork generate --threads 1500000 --seed 7 -o bench/data/messages.csv`;

function write(stream: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = stream.write(text, (error) => error && reject(error));
    if (ok) resolve();
    else stream.once('drain', resolve);
  });
}

export function generateCommand(): Command {
  const command = new Command('generate')
    .summary('write a synthetic export (and roster)')
    .description('Writes a realistic synthetic message export (SPEC 5).')
    .option('-o, --output <file>', 'write the export to this file (atomically) instead of standard output')
    .option('--shape <shape>', `the export's shape: ${SHAPES.join(', ')}`, 'canonical')
    .addHelpText('after', HELP);
  addOptions(command, ['generate']);
  command.action(async (_options: unknown, self: Command) => {
    const { raw: options } = await mergedOptions(self);
    const threads = numberOption(options, 'threads', '--threads', { min: 1, integer: true, max: 50_000_000 })!;
    const seed = numberOption(options, 'seed', '--seed', { min: 0, integer: true, max: 0xffffffff })!;
    const days = numberOption(options, 'days', '--days', { min: 1, integer: true, max: 36_500 })!;
    const clinicians = numberOption(options, 'clinicians', '--clinicians', { min: 1, integer: true, max: 1_000_000 });
    const start = String(options.start);
    if (parseDate(start) === undefined) throw new UsageError(`--start: "${start}" is not a date (YYYY-MM-DD)`);
    const output = options.output as string | undefined;
    const shape = String(options.shape ?? 'canonical') as Shape;
    if (!(SHAPES as readonly string[]).includes(shape)) throw new UsageError(`--shape: "${shape.slice(0, 20)}" is not one of ${SHAPES.join(', ')}`);
    if (shape !== 'canonical') return writeShape({ threads, seed, start, days, ...(clinicians ? { clinicians } : {}) }, shape, output, options.rosterOut as string | undefined);
    const batches = generate({ threads, seed, start, days, ...(clinicians ? { clinicians } : {}) });
    const file = output ? new AtomicFile(output) : undefined;
    try {
      let next = batches.next();
      while (!next.done) {
        if (file) {
          file.write(next.value);
          // Let signals in between batches: an interrupted run removes its temporary file.
          await new Promise((r) => setImmediate(r));
        } else await write(process.stdout, next.value);
        next = batches.next();
      }
      file?.commit();
      if (options.rosterOut) writeFileSync(options.rosterOut as string, rosterCsv(next.value));
    } catch (error) {
      file?.abort();
      const e = error as NodeJS.ErrnoException;
      if (e.code) throw new UsageError(`cannot write ${output ?? options.rosterOut}: ${e.code === 'ENOENT' ? 'no such folder' : e.message}`);
      throw error;
    }
  });
  return command;
}

/** Writes the generated export in another shape (built in memory), atomically when -o is given. */
async function writeShape(settings: Parameters<typeof generate>[0], shape: Shape, output: string | undefined, rosterOut: string | undefined): Promise<void> {
  const { csv, generated } = generateText(settings);
  const { renderShape } = await import('../generate/shapes.js');
  const bytes = await renderShape(csv, shape);
  if (output === undefined && shape === 'xlsx' && process.stdout.isTTY) throw new UsageError('--shape xlsx writes a binary workbook: give -o FILE.xlsx');
  try {
    if (output) {
      const file = new AtomicFile(output);
      file.write(bytes);
      file.commit();
    } else await write(process.stdout, bytes as unknown as string);
    if (rosterOut) writeFileSync(rosterOut, rosterCsv(generated));
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code) throw new UsageError(`cannot write ${output ?? rosterOut}: ${e.code === 'ENOENT' ? 'no such folder' : e.message}`);
    throw error;
  }
}
