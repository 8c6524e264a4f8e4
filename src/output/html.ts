import { cellText, unitOf } from './cells.js';
import type { Report } from './report.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A self-contained HTML page with the report's settings and tables (no
 * network references). Charts come with the HTML issue.
 */
export function renderHtml(report: Report): string {
  const parts: string[] = [];
  parts.push('<!doctype html><html lang="en"><head><meta charset="utf-8">');
  parts.push(`<title>${escapeHtml(report.title)}</title>`);
  parts.push('<style>body{font:15px/1.45 system-ui,sans-serif;margin:2rem;color:#1b1b1b}table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{padding:.25rem .6rem;border-bottom:1px solid #ddd}td.n{text-align:right;font-variant-numeric:tabular-nums}tr.total td{font-weight:600;border-top:2px solid #888}</style>');
  parts.push('</head><body>');
  parts.push(`<h1>${escapeHtml(report.title)}</h1><ul>`);
  for (const line of report.header) parts.push(`<li>${escapeHtml(line)}</li>`);
  parts.push('</ul>');
  for (const section of report.sections) {
    parts.push(`<section id="${escapeHtml(section.name)}"><h2>${escapeHtml(section.title)}</h2>`);
    if (section.definition) parts.push(`<p>${escapeHtml(section.definition)}</p>`);
    parts.push('<table><thead><tr>');
    for (const c of section.columns) parts.push(`<th>${escapeHtml((c.label ?? c.name).replace(/\n/g, ' ') + unitOf(c.kind))}</th>`);
    parts.push('</tr></thead><tbody>');
    const rows = section.total && section.rows.length > 1 ? [...section.rows, section.total] : section.rows;
    rows.forEach((row, i) => {
      const isTotal = section.total !== undefined && section.rows.length > 1 && i === rows.length - 1;
      parts.push(isTotal ? '<tr class="total">' : '<tr>');
      section.columns.forEach((c, j) => {
        const text = isTotal && c.kind === 'group' ? (j === 0 ? 'total' : '') : cellText(section, row, c);
        parts.push(`<td${c.kind === 'group' || c.kind === 'text' ? '' : ' class="n"'}>${escapeHtml(text)}</td>`);
      });
      parts.push('</tr>');
    });
    parts.push('</tbody></table>');
    if (section.details?.length) parts.push(`<pre>${escapeHtml(section.details.join('\n'))}</pre>`);
    for (const note of section.notes ?? []) parts.push(`<p><em>${escapeHtml(note)}</em></p>`);
    parts.push('</section>');
  }
  for (const line of report.footer ?? []) parts.push(`<p>${escapeHtml(line)}</p>`);
  parts.push('</body></html>');
  return parts.join('\n') + '\n';
}
