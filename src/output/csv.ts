import { exactNumber, neutralizeFormula } from './cells.js';
import type { Cell, Report } from './report.js';

function csvCell(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(exactNumber(value));
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
    out.push(names.map(csvCell).join(','));
    for (const row of section.rows) out.push(names.map((n) => csvCell(row[n] ?? null)).join(','));
  }
  return out.join('\n') + '\n';
}
