import { parse } from 'csv-parse/sync';
import { InputError } from '../errors.js';
import { safeLabel } from '../model/labels.js';
import { readProblem, readSmallFile } from './limits.js';
import { delimiterForName } from './source.js';
import type { Vocabularies } from './vocabulary.js';

/** One clinician of the roster (SPEC 1.2); empty attributes are undefined. */
export interface RosterEntry {
  role?: string;
  department?: string;
  careSetting?: string;
  fte?: number;
}

export interface Roster {
  file: string;
  entries: Map<string, RosterEntry>;
  hasFte: boolean;
}

const COLUMNS = ['clinician_id', 'role', 'department', 'care_setting', 'fte'] as const;

/**
 * Reads a roster CSV with `clinician_id` and any of `role`, `department`,
 * `care_setting`, `fte` (headers case-insensitive). A roster is small, so this
 * uses csv-parse directly. Duplicate ids keep the first row.
 */
export function readRoster(file: string, vocabularies: Vocabularies): Roster {
  let bytes: Buffer;
  try {
    bytes = readSmallFile(file);
  } catch (error) {
    throw new InputError(`cannot read roster ${file}: ${readProblem(error)}`);
  }
  let rows: string[][];
  try {
    rows = parse(bytes, {
      bom: true,
      delimiter: delimiterForName(file) ?? ',',
      relax_column_count: true,
      skip_empty_lines: true,
    }) as string[][];
  } catch (error) {
    // csv-parse's message quotes the text: say where, not what (SPEC 4).
    const e = error as { lines?: number; code?: string };
    throw new InputError(`${file}:${e.lines ?? 1}: roster is not valid CSV (${e.code ?? 'unreadable'})`);
  }
  if (rows.length === 0) throw new InputError(`${file}: roster is empty (expected a header with clinician_id)`);
  const header = rows[0]!.map((h) => h.trim().toLowerCase());
  const at = Object.fromEntries(COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<(typeof COLUMNS)[number], number>;
  if (at.clinician_id < 0) {
    // Its first line is not echoed: it may not be a header at all (SPEC 4).
    throw new InputError(`${file}:1: clinician_id: the roster has no clinician_id column (its header has ${rows[0]!.length} column${rows[0]!.length === 1 ? '' : 's'}; expected clinician_id and any of role, department, care_setting, fte)`);
  }
  const entries = new Map<string, RosterEntry>();
  let hasFte = false;
  const value = (row: string[], i: number) => (i >= 0 ? (row[i] ?? '').trim() : '');
  rows.slice(1).forEach((row, i) => {
    const line = i + 2;
    const id = value(row, at.clinician_id);
    if (id === '') throw new InputError(`${file}:${line}: clinician_id: missing`);
    if (entries.has(id)) return;
    const entry: RosterEntry = {};
    const role = value(row, at.role);
    if (role !== '') entry.role = vocabularies.role.normalize(role).value;
    const department = value(row, at.department);
    if (department !== '') entry.department = safeLabel(department);
    const careSetting = value(row, at.care_setting);
    if (careSetting !== '') entry.careSetting = vocabularies.careSetting.normalize(careSetting).value;
    const fte = value(row, at.fte);
    if (fte !== '') {
      const n = Number(fte);
      if (!Number.isFinite(n) || n <= 0 || n > 2) {
        throw new InputError(`${file}:${line}: fte: not a positive full-time equivalent up to 2`);
      }
      entry.fte = n;
      hasFte = true;
    }
    entries.set(id, entry);
  });
  return { file, entries, hasFte };
}
