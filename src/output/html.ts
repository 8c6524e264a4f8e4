import { definitionOf } from '../metrics/dictionary.js';
import { VERSION } from '../version.js';
import { cellText, unitOf } from './cells.js';
import type { Report, Section } from './report.js';
import type { ChartData } from './vega-charts.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
:root { --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --accent: #0b5cad; --soft: #f3f6f9; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--ink); margin: 0; background: white; }
header.page { background: var(--soft); border-bottom: 1px solid var(--line); padding: 1.5rem 2rem 1rem; }
main { padding: 1rem 2rem 3rem; max-width: 1280px; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .25rem; padding-top: .5rem; border-top: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 0 0 .25rem; }
p { margin: .25rem 0 .75rem; }
.muted, .settings dt { color: var(--muted); }
.settings { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .75rem 0 0; }
.settings dd { margin: 0; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 1rem; margin: 1.25rem 0; }
.figure { border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; }
.figure .value { font-size: 1.8rem; font-weight: 600; color: var(--accent); font-variant-numeric: tabular-nums; }
.figure .label { font-size: .9rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 1.5rem 2rem; }
figure.chart { margin: 0; break-inside: avoid; }
figure.chart svg { max-width: 100%; height: auto; }
figure.chart figcaption { color: var(--muted); font-size: .9rem; }
nav.contents a { color: var(--accent); margin-right: 1rem; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .9rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { padding: .3rem .6rem; border-bottom: 1px solid var(--line); vertical-align: bottom; }
th { text-align: left; font-weight: 600; background: var(--soft); }
th.n, td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: 600; border-top: 2px solid #8c959f; }
pre { background: var(--soft); padding: .5rem .75rem; overflow-x: auto; }
.note { color: var(--muted); font-size: .9rem; font-style: italic; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 1rem 2rem; margin-top: 1rem; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; break-inside: avoid; }
.card h3 { margin-bottom: .5rem; }
dl.terms dt { font-weight: 600; margin-top: .4rem; }
dl.terms dd { margin: 0 0 .2rem; }
.caveat { border-left: 4px solid #E69F00; padding: .4rem .8rem; background: #fff8eb; margin: .5rem 0 1rem; }
footer { color: var(--muted); font-size: .85rem; border-top: 1px solid var(--line); padding: 1rem 2rem; }
@media print {
  body { font-size: 10.5pt; }
  header.page { background: none; padding: 0 0 .5rem; }
  main, footer { padding: 0; max-width: none; }
  nav.contents { display: none; }
  .charts { display: block; }
  figure.chart, table, .figure { break-inside: avoid; page-break-inside: avoid; }
  h2 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
`;

function tableHtml(section: Section): string {
  const parts: string[] = ['<div class="table-wrap"><table>'];
  parts.push('<thead><tr>');
  for (const c of section.columns) {
    const numeric = c.kind !== 'group' && c.kind !== 'text';
    parts.push(`<th scope="col"${numeric ? ' class="n"' : ''} title="${escapeHtml(c.name)}">${escapeHtml((c.label ?? c.name).replace(/\n/g, ' ') + unitOf(c.kind))}</th>`);
  }
  parts.push('</tr></thead><tbody>');
  const showTotal = section.total !== undefined && section.rows.length > 1;
  const rows = showTotal ? [...section.rows, section.total!] : section.rows;
  rows.forEach((row, i) => {
    const isTotal = showTotal && i === rows.length - 1;
    parts.push(isTotal ? '<tr class="total">' : '<tr>');
    section.columns.forEach((c, j) => {
      const numeric = c.kind !== 'group' && c.kind !== 'text';
      const text = isTotal && c.kind === 'group' ? (j === 0 ? 'total' : '') : cellText(section, row, c);
      parts.push(`<td${numeric ? ' class="n"' : ''}>${escapeHtml(text)}</td>`);
    });
    parts.push('</tr>');
  });
  if (rows.length === 0) parts.push(`<tr><td colspan="${section.columns.length}" class="muted">no rows</td></tr>`);
  parts.push('</tbody></table></div>');
  return parts.join('');
}

/**
 * One self-contained HTML page (SPEC 3.3): the run's settings, key figures,
 * the charts (inline SVG drawn by Vega from Vega-Lite specs, loaded only for this format),
 * and every section's tables. No network references: styles, data and
 * charts are all inline, so it can be mailed and opened offline; it prints
 * cleanly and uses colour-blind-safe palettes.
 */
export async function renderHtml(report: Report): Promise<string> {
  const charts = report.renderedCharts ? await report.renderedCharts : report.charts ? await (await import('./vega-charts.js')).renderCharts(report.charts) : [];
  const parts: string[] = [];
  parts.push('<!doctype html>\n<html lang="en"><head><meta charset="utf-8">');
  parts.push('<meta name="viewport" content="width=device-width, initial-scale=1">');
  parts.push(`<title>${escapeHtml(report.title)}</title><style>${STYLE}</style></head><body>`);
  parts.push(`<header class="page"><h1>${escapeHtml(report.title)}</h1><dl class="settings">`);
  for (const line of report.header) {
    const at = line.indexOf(': ');
    if (at > 0) parts.push(`<dt>${escapeHtml(line.slice(0, at))}</dt><dd>${escapeHtml(line.slice(at + 2))}</dd>`);
    else parts.push(`<dt></dt><dd>${escapeHtml(line)}</dd>`);
  }
  parts.push('</dl></header><main>');
  if (report.highlights?.length) {
    parts.push('<section class="figures" aria-label="key figures">');
    for (const h of report.highlights) {
      parts.push(`<div class="figure"><div class="value">${escapeHtml(h.value)}</div><div class="label">${escapeHtml(h.label)}</div>${h.note ? `<div class="muted">${escapeHtml(h.note)}</div>` : ''}</div>`);
    }
    parts.push('</section>');
  }
  if (report.charts) parts.push(...peopleCards(report.charts));
  parts.push('<nav class="contents" aria-label="contents">');
  if (charts.length) parts.push('<a href="#charts">Charts</a>');
  for (const s of report.sections) parts.push(`<a href="#${escapeHtml(s.name)}">${escapeHtml(s.title)}</a>`);
  parts.push('</nav>');
  if (charts.length) {
    parts.push('<section id="charts"><h2>Charts</h2><div class="charts">');
    for (const c of charts) {
      parts.push(`<figure class="chart" id="${c.id}"><h3>${escapeHtml(c.title)}</h3>${c.svg}<figcaption>${escapeHtml(c.caption)}</figcaption></figure>`);
    }
    parts.push('</div></section>');
  }
  for (const section of report.sections) {
    parts.push(`<section id="${escapeHtml(section.name)}"><h2>${escapeHtml(section.title)}</h2>`);
    if (section.definition) parts.push(`<p>${escapeHtml(section.definition)}</p>`);
    parts.push(tableHtml(section));
    if (section.details?.length) parts.push(`<pre>${escapeHtml(section.details.join('\n'))}</pre>`);
    for (const note of section.notes ?? []) parts.push(`<p class="note">${escapeHtml(note)}</p>`);
    parts.push('</section>');
  }
  parts.push('</main><footer>');
  for (const line of report.footer ?? []) parts.push(`<p>${escapeHtml(line)}</p>`);
  parts.push(`<p>Made by msgwork ${VERSION} on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC from a message export. Patient identifiers and message text are never included.</p>`);
  parts.push('</footer></body></html>');
  return parts.join('\n') + '\n';
}

const percent = (v: number | null) => (v === null ? '—' : `${v.toFixed(1)} %`);

/** The parts of the page for the people who act on it (SPEC 3.3): the after-hours caveat, the yardstick, who carries the load, the definitions. */
function peopleCards(charts: ChartData): string[] {
  const parts: string[] = [];
  parts.push(
    '<p class="caveat"><strong>About the after-hours minutes.</strong> They are estimated from when messages were <em>sent</em>: ' +
      'sessions of after-hours messages, each lasting from its first to its last message plus a few minutes. Reading messages, ' +
      'reviewing charts and placing orders leave no send time, so studies of EHR audit logs report "pajama time" in hours per ' +
      'week where this counts minutes. Use it to compare groups and months with each other, not as the time clinicians worked.</p>',
  );
  parts.push('<section class="cards" aria-label="context">');
  const { ours, theirs, comparable } = charts.reference;
  const rows: [string, string, string][] = [
    ['patient messages answered within 1 day', percent(ours.within24h), percent(theirs.within24h)],
    ['answered within 3 days', percent(ours.within72h), percent(theirs.within72h)],
    ['threads with at most 4 rounds', percent(ours.le4Rounds), percent(theirs.le4Rounds)],
    ['physician messages sent 5–7 PM', percent(ours.physicianEvening), percent(theirs.physicianEvening)],
  ];
  parts.push('<div class="card" id="yardstick"><h3>Beside another health system</h3>');
  parts.push('<table><thead><tr><th scope="col">figure</th><th scope="col" class="n">this report</th><th scope="col" class="n">Mayo Clinic, 2022</th></tr></thead><tbody>');
  for (const [label, mine, published] of rows) parts.push(`<tr><td>${escapeHtml(label)}</td><td class="n">${escapeHtml(mine)}</td><td class="n">${escapeHtml(published)}</td></tr>`);
  parts.push('</tbody></table>');
  parts.push(
    `<p class="muted">The right column is <strong>another health system's</strong> figures, published by Huang et al. (JMIR 2022, doi 10.2196/17273) from 5 million messages: ` +
      `a point of reference with its own patients, staffing and definitions, not a target.${comparable ? '' : ' This run uses other bounds or another evening band than the paper, so the rows are not like for like.'}</p></div>`,
  );
  const top = charts.spread.slice(0, 10);
  if (top.length > 0) {
    parts.push('<div class="card" id="load"><h3>Ten clinicians with the most messages</h3>');
    parts.push('<table><thead><tr><th scope="col">clinician</th><th scope="col">role</th><th scope="col" class="n">messages per week</th><th scope="col" class="n">est. after-hours min per week</th></tr></thead><tbody>');
    for (const p of top) {
      parts.push(`<tr><td>${escapeHtml(p.clinician)}</td><td>${escapeHtml(p.role)}</td><td class="n">${p.messages_per_week.toFixed(1)}</td><td class="n">${p.after_hours_minutes_per_week === null ? '—' : p.after_hours_minutes_per_week.toFixed(1)}</td></tr>`);
    }
    parts.push('</tbody></table><p class="muted">Per week of the report window. With --pseudonymize the ids are keyed pseudonyms.</p></div>');
  }
  const terms: [string, string][] = [
    ['index message', 'index_messages'],
    ['answered within 24 h', 'pct_within_24h'],
    ['pending', 'pending'],
    ['Kaplan–Meier share within 72 h', 'km_pct_within_72h'],
    ['median hours to a reply', 'median_hours'],
    ['business hours', 'median_business_hours'],
    ['after hours', 'after_hours_messages'],
    ['evening', 'evening_messages'],
    ['estimated after-hours minutes', 'est_after_hours_minutes'],
    ['rounds', 'mean_rounds'],
  ];
  parts.push('<div class="card" id="definitions"><h3>What the figures mean</h3><dl class="terms">');
  for (const [term, column] of terms) parts.push(`<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(definitionOf(column) ?? '')}</dd>`);
  parts.push('</dl></div></section>');
  return parts;
}
