import { Command } from 'commander';
import { UsageError } from '../errors.js';
import { defineColumn } from '../metrics/dictionary.js';
import { parseBy } from '../model/groups.js';
import { mergedOptions, optionString, outputFormat } from '../options.js';
import type { Report, Section } from '../output/report.js';
import { emit } from './context.js';
import { metricSettings, SECTION_NAMES, SECTIONS, type SectionName } from './metrics.js';

const HELP = `
The data dictionary: every column of every section as the CSV, JSON and
Parquet outputs name it, with its type (string, integer, double), unit,
definition and the SPEC section that defines it — for a methods section, or
to load the files with the right types. --by, --within and --ci change the
columns as they change the outputs.

Examples:
  npx msgwork columns
  npx msgwork columns latency --within 4h,24h,72h --ci 95
  npx msgwork columns volume --by clinician --format csv > volume-columns.csv`;

/** The dictionary of the sections asked for, as a report (one section per metric section). */
export function dictionaryReport(names: readonly SectionName[], raw: Record<string, unknown>): Report {
  const dims = parseBy(optionString(raw as never, 'by'));
  const settings = metricSettings(raw as never);
  const sections: Section[] = names.map((name) => ({
    name: `columns.${name}`,
    title: `${SECTIONS[name].title}: columns${dims.length ? ` with --by ${dims.join(',')}` : ''}`,
    columns: [
      { name: 'column', kind: 'group' },
      { name: 'type', kind: 'text' },
      { name: 'unit', kind: 'text' },
      { name: 'definition', kind: 'text' },
      { name: 'spec', kind: 'text' },
    ],
    rows: SECTIONS[name].columns(settings, dims).map((c) => {
      const d = defineColumn(c);
      return { column: d.name, type: d.type, unit: d.unit, definition: d.definition, spec: d.spec };
    }),
  }));
  return { title: 'msgwork columns: the data dictionary', settings: { by: dims, within: settings.within.map((b) => b.label), ci: settings.ciLevel ?? null }, header: [], sections };
}

export function columnsCommand(): Command {
  const command = new Command('columns')
    .summary('the data dictionary: every column with its type, unit and definition')
    .description('Every output column: name, type, unit, definition, SPEC section.')
    .argument('[section]', `one of ${SECTION_NAMES.join(', ')} (default: all)`)
    .option('--by <dims>', 'the grouping whose columns to list (group columns come first)')
    .option('--within <bounds>', 'calendar bounds of the latency columns', '24h,72h')
    .option('--ci <level>', 'list the interval columns --ci adds')
    .option('--format <format>', 'table, csv, json or markdown (default: table on a terminal, csv otherwise)')
    .option('-o, --output <file>', 'write to this file (atomically)')
    .option('--config <file>', 'JSON file with any option (flags override it)')
    .addHelpText('after', HELP);
  command.action(async (name: string | undefined, _options: unknown, self: Command) => {
    const { raw } = await mergedOptions(self);
    if (name !== undefined && !(SECTION_NAMES as readonly string[]).includes(name)) {
      throw new UsageError(`columns: unknown section "${name.slice(0, 40)}" (choose ${SECTION_NAMES.join(', ')})`);
    }
    const format = outputFormat(raw, process.stdout.isTTY === true);
    if (format === 'html') throw new UsageError('columns: --format html is not offered; use table, csv, json or markdown');
    await emit(dictionaryReport(name ? [name as SectionName] : SECTION_NAMES, raw), format, raw);
  });
  return command;
}
