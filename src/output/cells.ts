import type { Cell, ColumnKind, ColumnSpec, Row, Section } from './report.js';

/**
 * Cells a spreadsheet would run as a formula start with = + - @ tab or CR
 * (SPEC 4), or their full-width forms. Text cells starting so get a leading
 * apostrophe; numbers are typed numbers and stay intact.
 */
export function neutralizeFormula(text: string): string {
  // Full-width ＝ ＋ － ＠ too: spreadsheets with East Asian input turn them into formula starts.
  return /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(text) ? `'${text}` : text;
}

/** A number for CSV/JSON: unrounded but for float noise (10 decimals). */
export function exactNumber(value: number): number {
  return Number.isInteger(value) ? value : Math.round(value * 1e10) / 1e10;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const twoDecimals = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** A cell rounded for reading (tables, markdown, HTML). Null reads as blank. */
export function readableCell(value: Cell, kind: ColumnKind): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  switch (kind) {
    case 'count':
      return integer.format(value);
    case 'percent':
      return `${oneDecimal.format(value)}%`;
    case 'hours':
    case 'minutes':
      return oneDecimal.format(value);
    default:
      return Number.isInteger(value) ? integer.format(value) : twoDecimals.format(value);
  }
}

/** A cell for reading (tables, markdown, HTML): `<N` where --min-cell suppressed it. */
export function cellText(section: Section, row: Row, column: ColumnSpec): string {
  if (section.suppressed?.cells.get(row)?.has(column.name)) return `<${section.suppressed.minCell}`;
  return readableCell(row[column.name] ?? null, column.kind);
}

/** The unit a table heading carries for a column kind (percentages carry % in the cell). */
export function unitOf(kind: ColumnKind): string {
  return kind === 'hours' ? ' (h)' : kind === 'minutes' ? ' (min)' : '';
}
