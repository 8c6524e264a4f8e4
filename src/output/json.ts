import { exactNumber } from './cells.js';
import type { Report, Row } from './report.js';

function exactRow(row: Row, names: string[]): Row {
  const out: Row = {};
  for (const name of names) {
    const v = row[name] ?? null;
    out[name] = typeof v === 'number' ? exactNumber(v) : v;
  }
  return out;
}

/** One JSON document: the run's settings and every section's rows, named as in the CSV. */
export function renderJson(report: Report): string {
  const sections: Record<string, { title: string; definition?: string; notes?: string[]; partial_periods?: unknown; rows: Row[] }> = {};
  for (const section of report.sections) {
    const names = section.columns.map((c) => c.name);
    sections[section.name] = {
      title: section.title,
      ...(section.definition ? { definition: section.definition } : {}),
      ...(section.notes?.length ? { notes: section.notes } : {}),
      ...(section.partialPeriods?.length ? { partial_periods: section.partialPeriods } : {}),
      rows: section.rows.map((r) => exactRow(r, names)),
    };
  }
  return JSON.stringify({ tool: 'msgwork', report: report.title, settings: report.settings, sections }, null, 2) + '\n';
}
