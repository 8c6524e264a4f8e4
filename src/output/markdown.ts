import { cellText, neutralizeFormula, unitOf } from './cells.js';
import type { Report } from './report.js';

/** A cell for Markdown: `|` escaped, and `<` and `&` as entities so that no HTML from the input renders (SPEC 3.1). */
function escapeCell(text: string): string {
  return neutralizeFormula(text)
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/\r?\n|\r/g, ' ');
}

/** The same tables as the table format, as GitHub-flavoured Markdown. */
export function renderMarkdown(report: Report): string {
  const out: string[] = [`# ${report.title}`, ''];
  for (const line of report.header) out.push(`- ${escapeCell(line)}`);
  for (const section of report.sections) {
    out.push('', `## ${section.title}`, '');
    if (section.definition) out.push(`${section.definition}`, '');
    const columns = section.columns;
    out.push(`| ${columns.map((c) => escapeCell((c.label ?? c.name).replace(/\n/g, ' ') + unitOf(c.kind))).join(' | ')} |`);
    out.push(`| ${columns.map((c) => (c.kind === 'group' || c.kind === 'text' ? '---' : '---:')).join(' | ')} |`);
    const rows = section.total && section.rows.length > 1 ? [...section.rows, section.total] : section.rows;
    rows.forEach((row, i) => {
      const isTotal = section.total !== undefined && section.rows.length > 1 && i === rows.length - 1;
      const cells = columns.map((c, j) => {
        const text = escapeCell(cellText(section, row, c));
        return isTotal ? (j === 0 ? '**total**' : text === '' ? '' : `**${text}**`) : text;
      });
      out.push(`| ${cells.join(' | ')} |`);
    });
    if (section.details?.length) out.push('', '```', ...section.details, '```');
    for (const note of section.notes ?? []) out.push('', `_${escapeCell(note)}_`);
  }
  for (const line of report.footer ?? []) out.push('', escapeCell(line));
  return out.join('\n') + '\n';
}
