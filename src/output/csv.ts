import { exactNumber, neutralizeFormula } from './cells.js';
import type { Cell, ColumnKind, Report } from './report.js';

/**
 * A CSV cell. A figure (any number column but a count) always has a
 * decimal point — 100.0, not 100 — so R, pandas and DuckDB read every figure
 * column as double, whatever the values of one file happen to be.
 */
function csvCell(value: Cell, kind: ColumnKind = 'text'): string {
  if (value === null) return '';
  if (typeof value === 'number') {
    const exact = exactNumber(value);
    return kind !== 'count' && Number.isInteger(exact) ? exact.toFixed(1) : String(exact);
  }
  const text = neutralizeFormula(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The CSV contract (SPEC 3): one header row, one row per group, no totals,
 * no units, numbers unrounded, percentages 0–100. Several sections are
 * written one after another, each preceded by `# section: NAME`.
 */
export function renderCsv(report: Report): string {
  const out: string[] = [];
  const many = report.sections.length > 1;
  for (const section of report.sections) {
    if (many) out.push(`# section: ${section.name}`);
    const names = section.columns.map((c) => c.name);
    out.push(names.map((n) => csvCell(n)).join(','));
    for (const row of section.rows) out.push(section.columns.map((c) => csvCell(row[c.name] ?? null, c.kind)).join(','));
  }
  return out.join('\n') + '\n';
}
