import { Command } from 'commander';
import { ThresholdError, UsageError } from '../errors.js';
import { closest } from '../input/mapping.js';
import { parseBy, groupColumn } from '../model/groups.js';
import { addOptions, optionString, outputFormat } from '../options.js';
import { exactNumber } from '../output/cells.js';
import type { Report } from '../output/report.js';
import { analyse, emit, prepare } from './context.js';
import { metricContext, metricSettings, privacySettings, protect, section, SECTION_NAMES, SECTIONS, type SectionName } from './metrics.js';

const HELP = `
Evaluates threshold rules on the figures, for scheduled jobs. A rule is
'SECTION.COLUMN OP NUMBER' with SECTION one of ${SECTION_NAMES.join(', ')}, COLUMN a
metric column of that section (as in the CSV) and OP one of < <= > >= == !=.
With --by, every group must pass. Prints one line per rule and group with the
value and PASS or FAIL; a blank value (no data in the group, e.g. no answered
message) prints n/a and does not fail. Exits 3 when any rule fails, 1 for a
malformed rule or an unknown section or column. --quiet prints only the
failing lines. With --min-cell, rules are judged on the true values and the
values the same output would hide print as "suppressed". Rules may also come
from the config file ("rules": [...]).

Sections and their columns (with the default --within; \`msgwork columns\`
defines each):
${columnList()}

Examples:
  npx msgwork check --rule 'latency.pct_within_72h >= 90' --rule 'after-hours.pct_after_hours <= 20' samples/messages.csv
  npx msgwork check --by role --rule 'latency.median_hours <= 24' --config samples/config.json samples/messages.csv
  npx msgwork check --quiet --config samples/config.json --period 2024-02 samples/messages.csv`;

/** Every section's metric columns, wrapped for the help text. */
function columnList(): string {
  const settings = metricSettings({});
  return SECTION_NAMES.map((name) => {
    const words = SECTIONS[name].columns(settings, []).map((c) => c.name);
    const lines: string[] = [];
    let line = `  ${name}:`;
    for (const word of words) {
      if (line.length + word.length + 1 > 78) {
        lines.push(line);
        line = '   ';
      }
      line += ` ${word}`;
    }
    lines.push(line);
    return lines.join('\n');
  }).join('\n');
}

export const OPERATORS = ['<=', '>=', '==', '!=', '<', '>'] as const;
type Operator = (typeof OPERATORS)[number];

export interface Rule {
  text: string;
  section: SectionName;
  column: string;
  operator: Operator;
  threshold: number;
}

const RULE = /^\s*([a-z][a-z-]*)\.([a-z0-9_]+)\s*(<=|>=|==|!=|<|>)\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?)\s*$/i;

/** Parses `SECTION.COLUMN OP NUMBER`; `columns` lists each section's metric columns. */
export function parseRule(text: string, columns: Record<SectionName, string[]>): Rule {
  const m = RULE.exec(text);
  if (!m) {
    throw new UsageError(`--rule: "${text}" is not SECTION.COLUMN OP NUMBER (for example 'latency.pct_within_72h >= 90')`);
  }
  const section = m[1]!.toLowerCase();
  if (!(SECTION_NAMES as readonly string[]).includes(section)) {
    const guess = closest(section, SECTION_NAMES);
    throw new UsageError(`--rule "${text}": unknown section "${section}"${guess ? ` (did you mean ${guess}?)` : ''}; sections are ${SECTION_NAMES.join(', ')}`);
  }
  const column = m[2]!.toLowerCase();
  const known = columns[section as SectionName];
  if (!known.includes(column)) {
    const guess = closest(column, known);
    throw new UsageError(
      `--rule "${text}": ${section} has no column "${column}"${guess ? ` (did you mean ${guess}?)` : ''}; its columns are ${known.join(', ')}`,
    );
  }
  return { text: text.trim(), section: section as SectionName, column, operator: m[3] as Operator, threshold: Number(m[4]) };
}

export function passes(value: number, operator: Operator, threshold: number): boolean {
  switch (operator) {
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

export function checkCommand(): Command {
  const command = new Command('check')
    .summary('threshold rules for scheduled jobs (exit 3 on failure)')
    .argument('[files...]', 'message exports (CSV, TSV, .gz); - or none for standard input')
    .addHelpText('after', HELP);
  addOptions(command, ['input', 'window', 'metrics', 'output', 'pseudonym', 'privacy', 'check']);
  command.action(async (files: string[], _options: unknown, self: Command) => {
    const { raw, settings } = await prepare(self, files);
    // PASS/FAIL lines unless a format is asked for: they are what a cron mail or CI log should show.
    const format = optionString(raw, 'format') === undefined && optionString(raw, 'output') === undefined ? 'table' : outputFormat(raw, false);
    const dims = parseBy(optionString(raw, 'by'));
    const metric = metricSettings(raw);
    const texts = (raw.rule as string[] | undefined) ?? [];
    if (texts.length === 0) throw new UsageError('check: give at least one --rule (or "rules" in the config file)');
    // Rules are checked against the columns these settings produce, before any data is read.
    const groupNames = new Set(dims.map(groupColumn));
    const columns = {} as Record<SectionName, string[]>;
    for (const name of SECTION_NAMES) columns[name] = SECTIONS[name].columns(metric, dims).map((c) => c.name).filter((c) => !groupNames.has(c));
    const rules = texts.map((t) => parseRule(t, columns));

    const analysis = await analyse(settings);
    const privacy = privacySettings(raw);
    const context = metricContext(analysis, metric, privacy);
    const results: Record<string, string | number | null>[] = [];
    let failed = 0;
    // Rules on the same section share one computed table.
    const tables = new Map<SectionName, ReturnType<typeof section>>();
    for (const rule of rules) if (!tables.has(rule.section)) tables.set(rule.section, section(context, rule.section, dims, false));
    // --min-cell: rules are judged on the true values; a value the same output would hide prints as suppressed.
    const shown = protect([...tables.values()], privacy.minCell).sections;
    const shownTables = new Map([...tables.keys()].map((name, i) => [name, shown[i]!]));
    for (const rule of rules) {
      const table = tables.get(rule.section)!;
      const shownTable = shownTables.get(rule.section)!;
      table.rows.forEach((row, r) => {
        const group = dims.map((d) => `${groupColumn(d)}=${row[groupColumn(d)]}`).join(' ');
        const value = row[rule.column];
        const result = typeof value !== 'number' ? 'n/a' : passes(value, rule.operator, rule.threshold) ? 'PASS' : 'FAIL';
        if (result === 'FAIL') failed++;
        const hidden = shownTable.suppressed?.cells.get(shownTable.rows[r]!)?.has(rule.column) === true;
        results.push({ result, rule: rule.text, group: group || 'all', value: hidden ? 'suppressed' : typeof value === 'number' ? exactNumber(value) : null });
      });
    }
    if (format === 'table') {
      const ruleWidth = Math.max(...results.map((r) => String(r.rule).length));
      const groupWidth = Math.max(...results.map((r) => String(r.group).length));
      const shown = (v: number | string | null) => (typeof v === 'number' ? String(Math.round(v * 1e4) / 1e4) : v === 'suppressed' ? 'suppressed' : 'no data');
      // --quiet: only the failing lines, so that a cron job mails nothing when all is well.
      const lines = results.filter((r) => !settings.quiet || r.result === 'FAIL').map((r) => `${String(r.result).padEnd(4)}  ${String(r.rule).padEnd(ruleWidth)}  ${String(r.group).padEnd(groupWidth)}  ${shown(r.value)}`);
      await emit(null, format, raw, lines.length > 0 ? lines.join('\n') + '\n' : '');
    } else {
      const report: Report = {
        title: 'msgwork check',
        settings: { rules: rules.map((r) => r.text), by: dims, failed, checked: results.length },
        header: [],
        sections: [{ name: 'check', title: 'Threshold checks', columns: [{ name: 'result', kind: 'text' }, { name: 'rule', kind: 'text' }, { name: 'group', kind: 'text' }, { name: 'value', kind: 'number' }], rows: results }],
      };
      await emit(report, format, raw);
    }
    if (failed > 0) throw new ThresholdError(`${failed} of ${results.length} checks failed`);
  });
  return command;
}
