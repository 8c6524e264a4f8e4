import { createHmac } from 'node:crypto';
import type { Row, Section } from './report.js';

/**
 * A keyed pseudonym for a clinician id (SPEC 4): HMAC-SHA-256 with the
 * user's key, 12 hex digits. The same id and key always give the same
 * pseudonym; another key gives an unrelated one.
 *
 * @example pseudonym('C0042', 'secret') // 'c-' followed by 12 hex digits
 */
export function pseudonym(id: string, key: string): string {
  return `c-${createHmac('sha256', key).update(id).digest('hex').slice(0, 12)}`;
}

/**
 * Small-cell suppression (SPEC 4 `--min-cell N`): every count below N, and
 * every figure derived from such a count (a column's `basis`), becomes
 * null; the cells are recorded so tables can show `<N`.
 */
export function suppressSmallCells(section: Section, minCell: number): Section {
  const cells = new Map<Row, Set<string>>();
  const suppress = (row: Row): Row => {
    const out: Row = { ...row };
    const hidden = new Set<string>();
    for (const column of section.columns) {
      const basis = column.kind === 'count' ? [column.name] : (column.basis ?? []);
      if (basis.some((b) => typeof row[b] === 'number' && (row[b] as number) < minCell)) {
        out[column.name] = null;
        hidden.add(column.name);
      }
    }
    if (hidden.size > 0) cells.set(out, hidden);
    return out;
  };
  const rows = section.rows.map(suppress);
  const total = section.total === undefined ? undefined : suppress(section.total);
  return { ...section, rows, ...(total ? { total } : {}), suppressed: { minCell, cells } };
}
