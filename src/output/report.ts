import type { ChartData, RenderedChart } from './vega-charts.js';

/**
 * What every writer renders: a report of named sections, each a list of
 * plain rows whose keys are the CSV column names (SPEC 3).
 */
export type Cell = string | number | null;
export type Row = Record<string, Cell>;

/**
 * How a column reads in tables: `group` columns come first; `count`s are
 * whole numbers; `percent` is 0–100; `hours`/`minutes` are durations.
 */
export type ColumnKind = 'group' | 'text' | 'count' | 'number' | 'percent' | 'hours' | 'minutes';

export interface ColumnSpec {
  /** The CSV/JSON name: a public contract. */
  name: string;
  kind: ColumnKind;
  /** Short table heading (units added by the table writer); defaults to the name. */
  label?: string;
  /**
   * The count columns this figure is derived from: with --min-cell it is
   * suppressed when any of them is below the bound. A count column is its own basis.
   */
  basis?: string[];
  /**
   * A share (`pct_*`, 0–100) of `denominator`: its numerator is the column
   * `numerator`, or else an implicit count (share × denominator / 100), the
   * sum of `numeratorParts` when given; the complement is the sum of
   * `complementParts` when given. --min-cell treats the implicit counts as cells.
   */
  share?: { numerator?: string; denominator: string; numeratorParts?: string[]; complementParts?: string[] };
  /** A count that is the sum of these count columns in every row (`index_messages = answered + unanswered`). */
  sumOf?: string[];
  /** Hidden whenever this other column is (an interval after its figure, a Kaplan–Meier share after the plain one). */
  follows?: string;
}

export interface Section {
  /** Stable machine name, e.g. `latency` or `latency_by_role`. */
  name: string;
  /** Heading for people. */
  title: string;
  /** One plain-language line saying what the figures mean. */
  definition?: string;
  columns: ColumnSpec[];
  rows: Row[];
  /** The all-data row, shown as the table's total. */
  total?: Row;
  /** Notes printed under the section (estimates, suppression). */
  notes?: string[];
  /** Cells suppressed by --min-cell (blank in CSV/JSON, `<N` in tables). */
  suppressed?: { minCell: number; cells: Map<Row, Set<string>> };
  /** Extra text drawn in the table format only (e.g. a chart). */
  chart?: string;
  /** Lines shown as they are under the table (tables, markdown, HTML), e.g. the first errors. */
  details?: string[];
  /** Calendar periods of the rows only partly inside the window (SPEC 2 "Window"): JSON `partial_periods`. */
  partialPeriods?: { period: string; days_in_window: number; days: number }[];
}

/** A headline figure for the top of a page (HTML). */
export interface Highlight {
  label: string;
  value: string;
  note?: string;
}

export interface Report {
  title: string;
  /** Headline figures (HTML). */
  highlights?: Highlight[];
  /** Data for the charts of the HTML format. */
  charts?: ChartData;
  /** The charts already being drawn (in the chart worker), when the command started it. */
  renderedCharts?: Promise<RenderedChart[]>;
  /** The run's settings, as JSON-ready values (SPEC 3: JSON documents carry them). */
  settings: Record<string, unknown>;
  /** Lines for the human header of table/markdown output. */
  header: string[];
  sections: Section[];
  /** Lines printed after every section in table/markdown output. */
  footer?: string[];
}
