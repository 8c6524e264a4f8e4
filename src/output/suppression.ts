import type { ColumnSpec, Row, Section } from './report.js';

/**
 * Small-cell suppression that holds up to a reader with a calculator
 * (SPEC 4, `--min-cell N`; the CMS cell-size rule uses 11).
 *
 * Cells are the counts of a table — its count columns, and for each share
 * (`pct_*`) the implicit counts it reveals with its denominator: the
 * numerator and the complement (`pct_within_24h` × `index_messages` is the
 * count answered within 24 h; the rest is the count not). Then:
 *  1. every count from 1 to N−1 is hidden (0 is shown);
 *  2. complementary cells: in every linear identity of one output — a row's
 *     parts against its whole (`index_messages = answered + unanswered`,
 *     the rounds histogram against `threads`, a share's numerator and
 *     complement against its denominator), and a column's rows against the
 *     total row, which is also the overall table's row and every other
 *     grouping's total — no hidden count may be the only unknown: while one
 *     is, the smallest positive known cell of that identity is hidden too
 *     (deterministic: smallest value first, then row order, then column order);
 *  3. every figure derived from a hidden count (its `basis`), or computed
 *     over fewer than N items, is hidden; a share whose numerator or
 *     complement is hidden is hidden; columns that `follow` another (an
 *     interval, a Kaplan–Meier share) are hidden with it.
 * Hidden cells become null (blank in CSV/JSON/Parquet, `<N` in tables).
 */

type Key = string;

interface Family {
  /** The all-data row: shared by the overall table and every grouping's total. */
  total: Row;
  tables: { section: Section; rows: Row[] }[];
}

/** How many cells were hidden, and why. */
export interface SuppressionSummary {
  minCell: number;
  /** Counts (shown or implicit) from 1 to N−1. */
  primary: number;
  /** Counts hidden so that no hidden count is the only unknown of an identity. */
  complementary: number;
  /** Cells blanked in the output, derived figures included. */
  hidden: number;
}

const num = (share: string): Key => `#num:${share}`;
const comp = (share: string): Key => `#comp:${share}`;

/** Suppresses the sections of one output together (the tables of one run share totals). */
export function suppressSections(sections: readonly Section[], minCell: number): { sections: Section[]; summary: SuppressionSummary } {
  const summary: SuppressionSummary = { minCell, primary: 0, complementary: 0, hidden: 0 };
  // Hidden keys per row object; the total rows of a family share one set.
  const hidden = new Map<Row, Set<Key>>();
  const families = new Map<string, Family>();
  const familyOf = (section: Section) => `${section.name.split('.')[0]}|${metricColumns(section).join(',')}`;
  for (const section of sections) {
    const family = familyOf(section);
    const grouped = section.name.includes('.by_');
    let f = families.get(family);
    const total = section.total ?? (grouped ? undefined : section.rows[0]);
    if (f === undefined) {
      f = { total: total ?? {}, tables: [] };
      families.set(family, f);
      hidden.set(f.total, new Set());
    }
    f.tables.push({ section, rows: grouped ? section.rows : [] });
  }
  const hiddenOf = (row: Row): Set<Key> => {
    let set = hidden.get(row);
    if (set === undefined) hidden.set(row, (set = new Set()));
    return set;
  };

  for (const family of families.values()) suppressFamily(family, hiddenOf, minCell, summary);

  const out = sections.map((section) => {
    const family = families.get(familyOf(section))!;
    const grouped = section.name.includes('.by_');
    const cells = new Map<Row, Set<string>>();
    const apply = (row: Row, source: Row): Row => {
      const keys = hidden.get(source) ?? new Set<Key>();
      const copy: Row = { ...row };
      const names = new Set<string>();
      for (const column of section.columns) {
        if (column.kind === 'group' || column.kind === 'text') continue;
        if (isHidden(column, source, keys, section.columns, minCell)) {
          if (copy[column.name] !== null) names.add(column.name);
          copy[column.name] = null;
        }
      }
      if (names.size > 0) cells.set(copy, names);
      return copy;
    };
    const rows = grouped ? section.rows.map((r) => apply(r, r)) : section.rows.map((r) => apply(r, family.total));
    const total = section.total === undefined ? undefined : apply(section.total, family.total);
    return { ...section, rows, ...(total ? { total } : {}), suppressed: { minCell, cells } };
  });
  for (const section of out) for (const names of section.suppressed.cells.values()) summary.hidden += names.size;
  return { sections: out, summary };
}

/** The metric columns of a section (its group and text columns left out): tables of one family share them. */
function metricColumns(section: Section): string[] {
  return section.columns.filter((c) => c.kind !== 'group' && c.kind !== 'text').map((c) => c.name);
}

/** The integer value of a key in a row: a count column, or a share's implicit numerator or complement. */
function valueOf(row: Row, key: Key, columns: readonly ColumnSpec[]): number | null {
  if (key.startsWith('#')) {
    const share = columns.find((c) => c.name === key.slice(key.indexOf(':') + 1))!.share!;
    const p = row[key.slice(key.indexOf(':') + 1)];
    const denominator = row[share.denominator];
    if (typeof denominator !== 'number') return null;
    const numerator = share.numerator !== undefined ? row[share.numerator] : typeof p === 'number' ? Math.round((p * denominator) / 100) : null;
    if (typeof numerator !== 'number') return null;
    return key.startsWith('#num:') ? numerator : denominator - numerator;
  }
  const v = row[key];
  return typeof v === 'number' ? v : null;
}

/** The count keys of a table: count columns, and the implicit counts of its shares. */
function countKeys(columns: readonly ColumnSpec[]): Key[] {
  const keys: Key[] = [];
  for (const c of columns) {
    if (c.kind === 'count') keys.push(c.name);
    if (c.share !== undefined) keys.push(...(c.share.numerator === undefined ? [num(c.name)] : []), comp(c.name));
  }
  return keys;
}

/** The linear identities inside one row: [whole, ...parts]. */
function rowIdentities(columns: readonly ColumnSpec[]): Key[][] {
  const out: Key[][] = [];
  for (const c of columns) {
    if (c.sumOf !== undefined) out.push([c.name, ...c.sumOf]);
    if (c.share !== undefined) {
      const numerator = c.share.numerator ?? num(c.name);
      out.push([c.share.denominator, numerator, comp(c.name)]);
      if (c.share.numeratorParts !== undefined) out.push([numerator, ...c.share.numeratorParts]);
      if (c.share.complementParts !== undefined) out.push([comp(c.name), ...c.share.complementParts]);
    }
  }
  return out;
}

function suppressFamily(family: Family, hiddenOf: (row: Row) => Set<Key>, minCell: number, summary: SuppressionSummary): void {
  const columns = family.tables[0]!.section.columns.filter((c) => c.kind !== 'group');
  const keys = countKeys(columns);
  const identities = rowIdentities(columns);
  const allRows: Row[] = [family.total, ...family.tables.flatMap((t) => t.rows)];
  const small = (v: number | null) => v !== null && v >= 1 && v < minCell;

  // A key is unknown to the reader when hidden, or when it is a share's implicit count and the share is hidden.
  const unknown = (row: Row, key: Key): boolean => {
    const set = hiddenOf(row);
    if (set.has(key)) return true;
    if (key.startsWith('#')) {
      const share = key.slice(key.indexOf(':') + 1);
      const spec = columns.find((c) => c.name === share)!.share!;
      return set.has(share) || set.has(spec.denominator) || (spec.numerator !== undefined && key.startsWith('#comp:') && set.has(spec.numerator));
    }
    return false;
  };
  /**
   * Hides a key. An implicit count is hidden by hiding its share — and, for
   * the complement of a share with a numerator column (in-hours = sent −
   * after hours), by hiding that numerator too, or the difference still shows.
   */
  const hide = (row: Row, key: Key): void => {
    const set = hiddenOf(row);
    set.add(key);
    if (!key.startsWith('#')) return;
    const share = key.slice(key.indexOf(':') + 1);
    set.add(share);
    const numerator = columns.find((c) => c.name === share)!.share!.numerator;
    if (numerator !== undefined && key.startsWith('#comp:')) set.add(numerator);
  };

  // 1. Primary: counts 1 … N−1, and shares whose implicit numerator or complement is one.
  for (const row of allRows) {
    for (const key of keys) {
      if (!small(valueOf(row, key, columns))) continue;
      hide(row, key);
      summary.primary++;
    }
  }

  // 2. Complementary, to a fixed point.
  const constraints: { row: Row; key: Key }[][] = [];
  for (const row of allRows) for (const identity of identities) constraints.push(identity.map((key) => ({ row, key })));
  for (const table of family.tables) {
    if (table.rows.length === 0) continue;
    for (const key of keys) constraints.push([{ row: family.total, key }, ...table.rows.map((row) => ({ row, key }))]);
  }
  for (let changed = true; changed; ) {
    changed = false;
    // A share is unknown when its denominator or explicit numerator is hidden: derived, and it hides its implicit counts.
    for (const row of allRows) {
      for (const c of columns) {
        if (c.share === undefined) continue;
        const set = hiddenOf(row);
        if (!set.has(c.name) && (set.has(c.share.denominator) || (c.share.numerator !== undefined && set.has(c.share.numerator)))) {
          set.add(c.name);
          changed = true;
        }
      }
    }
    for (const cells of constraints) {
      const unknownCells = cells.filter((cell) => unknown(cell.row, cell.key) && valueOf(cell.row, cell.key, columns) !== null);
      if (unknownCells.length !== 1) continue;
      let best: { row: Row; key: Key } | undefined;
      let bestValue = Infinity;
      for (const cell of cells) {
        if (unknown(cell.row, cell.key)) continue;
        const v = valueOf(cell.row, cell.key, columns);
        if (v === null || v <= 0) continue;
        if (v < bestValue) {
          bestValue = v;
          best = cell;
        }
      }
      if (best === undefined) continue;
      hide(best.row, best.key);
      summary.complementary++;
      changed = true;
    }
  }
}

/** Whether a column's cell is hidden in a row whose hidden count keys are `keys`. */
function isHidden(column: ColumnSpec, row: Row, keys: Set<Key>, columns: readonly ColumnSpec[], minCell: number): boolean {
  if (keys.has(column.name)) return true;
  if (column.follows !== undefined) {
    const followed = columns.find((c) => c.name === column.follows);
    if (followed && isHidden(followed, row, keys, columns, minCell)) return true;
  }
  if (column.kind === 'count') return false;
  // Derived from a hidden count, or computed over fewer than N items.
  for (const b of column.basis ?? []) {
    if (keys.has(b)) return true;
    const v = row[b];
    if (typeof v === 'number' && v < minCell) return true;
  }
  if (column.share !== undefined && (keys.has(num(column.name)) || keys.has(comp(column.name)) || keys.has(column.share.denominator))) return true;
  return false;
}

/**
 * A grid of counts drawn as a chart (the hour × weekday heat map), under the
 * same rule as the tables: counts 1 … N−1 are null, and while one hidden cell
 * could be worked out from the grid's total (the clinician messages the tables
 * show), the smallest positive cell is hidden too.
 */
export function protectGrid(grid: readonly (readonly number[])[], minCell: number): (number | null)[][] {
  const out: (number | null)[][] = grid.map((row) => row.map((v) => (v >= 1 && v < minCell ? null : v)));
  const hiddenCount = () => out.flat().filter((v) => v === null).length;
  while (hiddenCount() === 1) {
    let best: [number, number] | undefined;
    out.forEach((row, r) =>
      row.forEach((v, c) => {
        if (v !== null && v > 0 && (best === undefined || v < out[best[0]]![best[1]]!)) best = [r, c];
      }),
    );
    if (best === undefined) break;
    out[best[0]]![best[1]] = null;
  }
  return out;
}
