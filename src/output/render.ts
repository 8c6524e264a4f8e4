import { UsageError } from '../errors.js';
import type { Format } from '../options.js';
import type { Report } from './report.js';

/** Renders a report in a format; each writer is loaded only when asked for. */
export async function render(report: Report, format: Format, terminal: { width: number; color: boolean }): Promise<string | Uint8Array> {
  switch (format) {
    case 'parquet': {
      if (report.sections.length !== 1) throw new UsageError(`--format parquet writes one table per file: give -o DIR/ for the ${report.sections.length} sections (one file each)`);
      return (await import('./parquet.js')).renderParquet(report.sections[0]!);
    }
    case 'csv':
      return (await import('./csv.js')).renderCsv(report);
    case 'json':
      return (await import('./json.js')).renderJson(report);
    case 'markdown':
      return (await import('./markdown.js')).renderMarkdown(report);
    case 'html':
      return (await import('./html.js')).renderHtml(report);
    case 'table':
      return (await import('./table.js')).renderTable(report, terminal);
  }
}
