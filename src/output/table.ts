import Table from 'cli-table3';
import { cellText, readableCell, unitOf } from './cells.js';
import type { ColumnSpec, Report, Row, Section } from './report.js';

export interface TableOptions {
  /** Terminal width; wide sections are split into several tables that fit. */
  width: number;
  /** Bold headings (only on a terminal, never with NO_COLOR). */
  color: boolean;
}

function heading(column: ColumnSpec): string {
  return (column.label ?? column.name) + unitOf(column.kind);
}

function displayWidth(text: string): number {
  return Math.max(...text.split('\n').map((l) => [...l].length));
}

/** Splits the metric columns into chunks that fit `width`, repeating the group columns. */
function chunkColumns(columns: ColumnSpec[], rows: Row[], width: number): ColumnSpec[][] {
  const groups = columns.filter((c) => c.kind === 'group');
  const metrics = columns.filter((c) => c.kind !== 'group');
  const columnWidth = (c: ColumnSpec) =>
    Math.max(displayWidth(heading(c)), ...rows.map((r) => displayWidth(readableCell(r[c.name] ?? null, c.kind)))) + 3;
  const base = 1 + groups.reduce((sum, c) => sum + columnWidth(c), 0);
  const chunks: ColumnSpec[][] = [];
  let current: ColumnSpec[] = [];
  let used = base;
  for (const metric of metrics) {
    const w = columnWidth(metric);
    if (current.length > 0 && used + w > width) {
      chunks.push(current);
      current = [];
      used = base;
    }
    current.push(metric);
    used += w;
  }
  if (current.length > 0 || chunks.length === 0) chunks.push(current);
  return chunks.map((chunk) => [...groups, ...chunk]);
}

/** Word-wraps prose to the width, indenting continuation lines. */
export function wrap(text: string, width: number, indent = ''): string {
  const lines: string[] = [];
  const lead = /^\s*/.exec(text)![0];
  let line = lead;
  for (const word of text.trim().split(/\s+/)) {
    if (line.trim() !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else line = line.trim() === '' ? line + word : `${line} ${word}`;
  }
  if (line.trim() !== '') lines.push(line);
  return lines.join('\n');
}

function renderSection(section: Section, options: TableOptions): string {
  const bold = (s: string) => (options.color ? `\u001b[1m${s}\u001b[22m` : s);
  const out: string[] = [bold(section.title)];
  if (section.definition) out.push(wrap(section.definition, options.width));
  const showTotal = section.total !== undefined && section.rows.length > 1;
  const rows = showTotal ? [...section.rows, section.total!] : section.rows;
  if (section.rows.length === 0) out.push('(no rows)');
  else if (section.rows.length === 1 && !section.columns.some((c) => c.kind === 'group')) {
    // One all-data row: a measure/value list reads better than a wide row.
    const table = new Table({ head: ['measure', 'value'], style: { head: [], border: [], compact: true }, colAligns: ['left', 'right'] });
    const row = section.rows[0]!;
    for (const c of section.columns) table.push([heading(c).replace(/\n/g, ' ').replace(/- /g, '-'), cellText(section, row, c)]);
    out.push(table.toString());
  } else {
    for (const columns of chunkColumns(section.columns, rows, options.width)) {
      const table = new Table({
        head: columns.map(heading),
        style: { head: [], border: [], compact: true },
        colAligns: columns.map((c) => (c.kind === 'group' || c.kind === 'text' ? 'left' : 'right')),
      });
      rows.forEach((row, i) => {
        const isTotal = showTotal && i === rows.length - 1;
        table.push(
          columns.map((c, j) => {
            if (isTotal && c.kind === 'group') return j === 0 ? 'total' : '';
            return cellText(section, row, c);
          }),
        );
      });
      out.push(table.toString());
    }
  }
  if (section.chart) out.push(section.chart);
  if (section.details) out.push(...section.details);
  for (const note of section.notes ?? []) out.push(wrap(`Note: ${note}`, options.width, '      '));
  return out.join('\n');
}

/** Aligned tables for people: units in headings, rounded numbers, a total row. */
export function renderTable(report: Report, options: TableOptions): string {
  const out: string[] = [];
  const bold = (s: string) => (options.color ? `\u001b[1m${s}\u001b[22m` : s);
  out.push(bold(report.title));
  for (const line of report.header) out.push(wrap(`  ${line}`, options.width, '    '));
  for (const section of report.sections) out.push('', renderSection(section, options));
  if (report.footer?.length) out.push('', ...report.footer);
  return out.join('\n') + '\n';
}
