import { InputError, UsageError } from '../errors.js';
import { safeLabel } from '../model/labels.js';
import { Zone } from '../model/zone.js';
import { parseTimestamp } from './timestamp.js';
import type { Synonyms } from './vocabulary.js';

/** Canonical message fields (SPEC 1.1). */
export const FIELDS = [
  'message_id',
  'thread_id',
  'parent_message_id',
  'sent_at',
  'sender_type',
  'sender_id',
  'sender_role',
  'patient_id',
  'recipient_id',
  'category',
  'department',
  'care_setting',
] as const;
export type Field = (typeof FIELDS)[number];

/** Always required; plus `thread_id` or `parent_message_id`. */
export const REQUIRED_FIELDS: readonly Field[] = ['message_id', 'sent_at', 'sender_type', 'sender_id', 'patient_id'];


export interface Preset {
  name: string;
  description: string;
  /** Candidate headers per field, first match wins (case-insensitive). */
  columns: Partial<Record<Field, readonly string[]>>;
  /** Extra sender-type synonyms (for direction codes). */
  senderTypes?: Synonyms;
  /** Columns read when a row's own field is blank (Epic's ORIGINAL_TO for a pool-routed TO_USER_ID). */
  fallbacks?: Partial<Record<Field, readonly string[]>>;
}

const canonicalColumns = Object.fromEntries(FIELDS.map((f) => [f, [f]])) as unknown as Record<Field, readonly string[]>;

export const PRESETS: Record<string, Preset> = {
  canonical: {
    name: 'canonical',
    description: 'headers are the canonical field names (message_id, thread_id, sent_at, ...)',
    columns: canonicalColumns,
  },
  'epic-clarity': {
    name: 'epic-clarity',
    description: "Epic MYC_MESG: Clarity export or EHI export (MESSAGE_ID, CREATED_TIME, PARENT_MESSAGE_ID, TOFROM_PAT_C[_NAME], ...); roles from --roster",
    columns: {
      message_id: ['MESSAGE_ID'],
      parent_message_id: ['PARENT_MESSAGE_ID'],
      sent_at: ['CREATED_TIME'],
      // The code (1 = to patient, i.e. sent by a clinician; 2 = from patient), or
      // the EHI export's / a Clarity view's display name ("To Patient", "From Patient").
      sender_type: ['TOFROM_PAT_C', 'TOFROM_PAT_C_NAME'],
      sender_id: ['FROM_USER_ID'],
      recipient_id: ['TO_USER_ID'],
      patient_id: ['PAT_ID'],
      department: ['DEPARTMENT_NAME', 'DEPARTMENT_ID'],
      // Display names first (they map to the six categories), the type code last.
      category: ['MSG_TYPE_NAME', 'MYC_MSG_TYP_C_NAME', 'MYC_MSG_TYP_NAME', 'MYC_MSG_TYP_C'],
    },
    senderTypes: { clinician: ['1'], patient: ['2'] },
    // Epic leaves TO_USER_ID blank when a message is routed to a pool; ORIGINAL_TO keeps the clinician written to.
    fallbacks: { recipient_id: ['ORIGINAL_TO'] },
  },
};

/** Headers that commonly hold a field, for "did you mean" hints. */
const ALIASES: Partial<Record<Field, readonly string[]>> = {
  message_id: ['msg_id', 'id', 'message'],
  thread_id: ['conversation_id', 'thread', 'conversation'],
  sent_at: ['created_time', 'sent_time', 'timestamp', 'sent', 'datetime', 'message_time', 'sent_date'],
  sender_type: ['direction', 'from_type', 'tofrom_pat_c', 'sender'],
  sender_id: ['from_user_id', 'user_id', 'clinician_id', 'provider_id', 'from_id'],
  patient_id: ['pat_id', 'mrn', 'patient'],
  recipient_id: ['to_user_id', 'to_id', 'recipient'],
  sender_role: ['role', 'provider_type', 'clinician_role'],
  category: ['message_type', 'msg_type', 'type', 'msg_type_name'],
};

export function getPreset(name: string): Preset {
  const preset = Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined;
  if (!preset) {
    throw new UsageError(`--preset: unknown preset ${JSON.stringify(name.slice(0, 40))} (choose ${Object.keys(PRESETS).join(', ')})`);
  }
  return preset;
}

/** Parses `--map field=Column,...` (SPEC 1.3). */
export function parseMap(text: string, source = '--map'): Map<Field, string> {
  const map = new Map<Field, string>();
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) throw new UsageError(`${source}: "${part.trim()}" is not field=Column`);
    const field = part.slice(0, eq).trim().toLowerCase();
    const column = part.slice(eq + 1).trim();
    if (!(FIELDS as readonly string[]).includes(field)) {
      const close = closest(field, FIELDS);
      throw new UsageError(
        `${source}: unknown field "${field}"${close ? ` (did you mean ${close}?)` : ''}; fields are ${FIELDS.join(', ')}`,
      );
    }
    if (column === '') throw new UsageError(`${source}: no column given for ${field}`);
    map.set(field as Field, column);
  }
  return map;
}

/** Column index of each mapped field in one file (and of a fallback recipient column). */
export type ColumnMap = Partial<Record<Field, number>> & { recipient_fallback?: number };

function headerIndex(headers: readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  headers.forEach((h, i) => {
    const key = h.trim().toLowerCase();
    if (!index.has(key)) index.set(key, i);
  });
  return index;
}

function tryResolve(headers: readonly string[], preset: Preset, overrides: ReadonlyMap<Field, string>) {
  const index = headerIndex(headers);
  const columns: ColumnMap = {};
  const unresolvedOverrides: string[] = [];
  for (const field of FIELDS) {
    const override = overrides.get(field);
    if (override !== undefined) {
      const i = index.get(override.trim().toLowerCase());
      if (i === undefined) unresolvedOverrides.push(`${field}=${override}`);
      else columns[field] = i;
      continue;
    }
    for (const candidate of preset.columns[field] ?? []) {
      const i = index.get(candidate.toLowerCase());
      if (i !== undefined) {
        columns[field] = i;
        break;
      }
    }
  }
  const fallback = columns.recipient_id === undefined || overrides.has('recipient_id') ? undefined : preset.fallbacks?.recipient_id?.map((c) => index.get(c.toLowerCase())).find((i) => i !== undefined);
  if (fallback !== undefined && fallback !== columns.recipient_id) columns.recipient_fallback = fallback;
  const missing: Field[] = REQUIRED_FIELDS.filter((f) => columns[f] === undefined);
  if (columns.thread_id === undefined && columns.parent_message_id === undefined) missing.splice(1, 0, 'thread_id');
  return { columns, missing, unresolvedOverrides };
}

/** A word for a POSIX shell: as it is when safe, else in single quotes. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_=,.\/:@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A header cut for display: at most 40 characters, control characters escaped. */
function shownHeader(header: string): string {
  const h = header.trim();
  return `"${safeLabel(h.length > 40 ? `${h.slice(0, 40)}…` : h)}"`;
}

const UTC = new Zone('UTC');

/** Why a first row looks like data rather than a header, if it does. */
function looksLikeData(headers: readonly string[]): string | undefined {
  const cells = headers.map((h) => h.trim()).filter((h) => h !== '');
  const time = cells.findIndex((h) => /\d/.test(h) && parseTimestamp(h, UTC) !== 0 && !Number.isNaN(parseTimestamp(h, UTC)));
  if (time >= 0) return `column ${headers.findIndex((h) => h.trim() === cells[time]) + 1} holds a date and time`;
  const numeric = cells.filter((h) => /^[-+]?\d[\d.,:/ -]*$/.test(h)).length;
  if (cells.length >= 2 && numeric * 2 >= cells.length) return `${numeric} of its ${cells.length} cells are numbers`;
  return undefined;
}

/** Refuses one column read as two fields (a mistake in --map, SPEC 3.1). */
function checkDistinct(columns: ColumnMap, headers: readonly string[], overrides: ReadonlyMap<Field, string>): void {
  const byIndex = new Map<number, Field>();
  for (const field of FIELDS) {
    const i = columns[field];
    if (i === undefined) continue;
    const other = byIndex.get(i);
    if (other !== undefined && (overrides.has(field) || overrides.has(other))) {
      throw new UsageError(`--map: column ${shownHeader(headers[i]!)} is mapped to both ${other} and ${field}; each column can hold one field`);
    }
    byIndex.set(i, field);
  }
}

/**
 * Finds the mapped fields in a file's header row. Missing required fields are
 * an InputError listing what is missing, the headers found, and close matches.
 */
export function resolveColumns(
  headers: readonly string[],
  preset: Preset,
  overrides: ReadonlyMap<Field, string>,
  fileName: string,
): ColumnMap {
  const { columns, missing, unresolvedOverrides } = tryResolve(headers, preset, overrides);
  checkDistinct(columns, headers, overrides);
  if (missing.length === 0 && unresolvedOverrides.length === 0) return columns;

  const lines: string[] = [];
  const data = looksLikeData(headers);
  if (unresolvedOverrides.length > 0) {
    lines.push(`${fileName}: --map names columns that are not in the file: ${unresolvedOverrides.join(', ')}`);
  }
  if (missing.length > 0) {
    lines.push(
      `${fileName}: missing required column${missing.length > 1 ? 's' : ''} for ${missing.join(', ')}` +
        (missing.includes('thread_id') ? ' (thread_id or parent_message_id)' : '') +
        ` with --preset ${preset.name}`,
    );
  }
  if (data !== undefined) {
    // Never print it: a data row holds patient ids and message text.
    lines.push(`  the first row looks like data, not a header (${data}): the file needs a header row naming its columns (${REQUIRED_FIELDS.join(', ')}, thread_id, ...)`);
    throw new InputError(lines.join('\n'));
  }
  const shown = headers.slice(0, 20).map(shownHeader);
  lines.push(`  columns found: ${shown.join(', ')}${headers.length > 20 ? `, … (${headers.length} in all)` : ''}`);
  if (headers.length === 1) {
    const h = headers[0]!;
    const delimiter = [';', '|', '\t'].find((d) => h.includes(d));
    if (delimiter !== undefined) lines.push(`  the header is one column holding "${delimiter === '\t' ? '\\t' : delimiter}": did you mean --delimiter ${shellQuote(delimiter === '\t' ? '\\t' : delimiter)}?`);
  }
  for (const other of Object.values(PRESETS)) {
    if (other.name === preset.name) continue;
    const attempt = tryResolve(headers, other, overrides);
    if (attempt.missing.length === 0 && attempt.unresolvedOverrides.length === 0) {
      lines.push(`  did you mean --preset ${other.name}? (it finds every required column in this file)`);
    }
  }
  if (missing.length > 0 && headers.length > 1) {
    const hints: string[] = [...overrides].map(([f, c]) => `${f}=${c}`).filter((h) => !unresolvedOverrides.includes(h));
    let unguessed = false;
    for (const field of missing) {
      const guess = guessColumn(field, headers);
      if (guess === undefined) unguessed = true;
      hints.push(`${field}=${guess ?? '<column>'}`);
    }
    lines.push(`  or map them: --map ${shellQuote(hints.join(','))}${unguessed ? ' (put the header that holds each field in place of <column>)' : ''}`);
  }
  throw new InputError(lines.join('\n'));
}

function normalizeHeader(h: string): string {
  return h.trim().toLowerCase().replace(/[\s\-.]+/g, '_');
}

/** A header that probably holds `field`, for hints. */
export function guessColumn(field: Field, headers: readonly string[]): string | undefined {
  const wanted = [field, ...(ALIASES[field] ?? [])];
  if (field === 'thread_id') wanted.push('parent_message_id');
  for (const header of headers) {
    if (wanted.includes(normalizeHeader(header))) return header.trim();
  }
  let best: string | undefined;
  let bestDistance = 3;
  for (const header of headers) {
    const d = editDistance(normalizeHeader(header), field);
    if (d < bestDistance) {
      bestDistance = d;
      best = header.trim();
    }
  }
  return best;
}

/** The candidate within edit distance 2 of `word`, if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best;
}

/** Levenshtein distance. */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      previous[j] = Math.min(previous[j]! + 1, previous[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length]!;
}
