import { Option, type Command } from 'commander';
import { UsageError } from './errors.js';
import { closest, getPreset, parseMap, type Field, type Preset } from './input/mapping.js';
import { inputSources, type InputSource } from './input/source.js';
import { makeVocabularies, type Synonyms, type Vocabularies } from './input/vocabulary.js';
import { parseTimestamp } from './input/timestamp.js';
import { parseDate, parseDateOption, parseTimeRange, parseWorkDays, resolvePeriod, todayIn, type DayRange, type TimeRange } from './model/calendar.js';
import { checkTimeZone, machineTimeZone, Zone } from './model/zone.js';
import { ENCODINGS, parseEncoding, type Encoding } from './input/encoding.js';
import { DIALECT_NAMES } from './sql/dialect.js';

/**
 * Every option of every command, in one table: the command files pick the
 * groups they take, the config file (`--config`) may hold any of them, and
 * flags given on the command line override the config file.
 */
export type OptionGroup = 'config' | 'input' | 'window' | 'metrics' | 'output' | 'pseudonym' | 'privacy' | 'check' | 'generate' | 'database' | 'sql';
type Kind = 'string' | 'boolean' | 'number' | 'list';

interface OptionDef {
  flags: string;
  description: string;
  group: OptionGroup;
  kind: Kind;
  default?: string | boolean;
  choices?: readonly string[];
  /** The sections whose figures the option changes (absent: every command of its group). */
  sections?: readonly string[];
}

export const FORMATS = ['table', 'csv', 'json', 'markdown', 'html', 'parquet'] as const;
export type Format = (typeof FORMATS)[number];

export const OPTIONS: readonly OptionDef[] = [
  { flags: '--preset <name>', description: 'column mapping preset (canonical, epic-clarity)', group: 'input', kind: 'string', default: 'canonical' },
  { flags: '--map <field=Column,...>', description: "map canonical fields to the file's headers (case-insensitive)", group: 'input', kind: 'string' },
  { flags: '--roster <file>', description: 'clinician roster CSV: clinician_id, role, department, care_setting, fte', group: 'input', kind: 'string' },
  { flags: '--delimiter <char>', description: "field delimiter (default: sniffed from the header among , tab ; |; tab for .tsv files; '\\t' or tab for tab)", group: 'input', kind: 'string' },
  { flags: '--quote <none|">', description: 'quoting: \'"\' (the default for CSV) or none (the default for tab-separated files)', group: 'input', kind: 'string' },
  { flags: '--encoding <name>', description: 'text encoding: utf-8, windows-1252, latin1, utf-16le (default: UTF-8, or UTF-16 by its byte-order mark; text that is not UTF-8 is read as Windows-1252 with a warning)', group: 'input', kind: 'string' },
  { flags: '--sheet <name>', description: 'worksheet of an .xlsx workbook (default: the first)', group: 'input', kind: 'string' },
  { flags: '--time-format <pattern>', description: "sent_at pattern in date-fns tokens, e.g. 'dd.MM.yyyy HH:mm' (default: ISO 8601, M/D/YYYY h:mm AM, SQL Server and Oracle text forms)", group: 'input', kind: 'string' },
  { flags: '--timezone <zone>', description: 'IANA time zone of local-time rules (hour, weekday, date), and of timestamps without an offset (default: this machine\'s)', group: 'input', kind: 'string' },
  { flags: '--input-timezone <zone>', description: 'IANA zone of timestamps without an offset when it differs from --timezone (e.g. UTC for Epic *_UTC_DTTM columns)', group: 'input', kind: 'string' },
  { flags: '--system-senders <ids>', description: 'sender ids of automated messages (portal reminders, generic users): counted in validate, excluded from every metric', group: 'input', kind: 'list' },
  { flags: '--strict', description: 'fail (exit 2) when any row is skipped', group: 'input', kind: 'boolean' },
  { flags: '--config <file>', description: 'JSON file with any option (flags override it)', group: 'config', kind: 'string' },
  { flags: '--work-hours <HH:MM-HH:MM>', description: 'work hours, [start, end)', group: 'window', kind: 'string', default: '07:00-17:00' },
  { flags: '--work-days <days>', description: 'work days, e.g. mon-fri or mon,tue,thu', group: 'window', kind: 'string', default: 'mon-fri' },
  { flags: '--holidays <file|us-federal>', description: 'days outside the work window: a file of YYYY-MM-DD lines, or us-federal', group: 'window', kind: 'string' },
  { flags: '--since <YYYY-MM-DD>', description: 'report from this local date on (threads and replies are read from the whole input)', group: 'window', kind: 'string' },
  { flags: '--until <YYYY-MM-DD>', description: 'report up to this local date, inclusive (replies after it still count)', group: 'window', kind: 'string' },
  { flags: '--period <period>', description: 'YYYY-MM, YYYY-Www, last-month, last-week or last-N-days (sets --since/--until)', group: 'window', kind: 'string' },
  { flags: '--as-of <datetime>', description: 'end of follow-up: messages sent later are left out, as if the export had been taken then (default: the latest message); a date means the end of that day', group: 'window', kind: 'string' },
  { flags: '--by <dims>', description: 'group by role, category, department, care_setting, clinician, month, year, quarter, week, weekday, hour (comma-separated to cross)', group: 'metrics', kind: 'list' },
  { flags: '--evening <HH:MM-HH:MM>', description: 'evening band', group: 'metrics', kind: 'string', default: '17:00-19:00', sections: ['after-hours'] },
  { flags: '--session-gap <minutes>', description: 'after-hours messages further apart start a new session', group: 'metrics', kind: 'number', default: '15', sections: ['after-hours'] },
  { flags: '--minutes-per-message <minutes>', description: 'minutes added to each after-hours session', group: 'metrics', kind: 'number', default: '2', sections: ['after-hours'] },
  { flags: '--latency-index <first|each>', description: 'index messages: first of each patient run, or each patient message', group: 'metrics', kind: 'string', default: 'first', choices: ['first', 'each'], sections: ['latency'] },
  { flags: '--ci <level>', description: 'add <column>_lo and <column>_hi after every pct_* (Wilson) and km_* (log-log Greenwood) column, e.g. 95', group: 'metrics', kind: 'number' },
  { flags: '--within <bounds>', description: 'calendar bounds for pct_within_<bound> columns, e.g. 4h,24h,72h or 2d', group: 'metrics', kind: 'list', default: '24h,72h', sections: ['latency'] },
  { flags: '--format <format>', description: 'table, csv, json, markdown, html or parquet (default: table on a terminal, csv otherwise; with -o, from its extension)', group: 'output', kind: 'string', choices: FORMATS },
  { flags: '-o, --output <file|dir/>', description: 'write to this file (atomically) instead of standard output; a folder (ending in /) gets one file per section and manifest.json, all or nothing', group: 'output', kind: 'string' },
  { flags: '--quiet', description: 'print only results and errors', group: 'output', kind: 'boolean' },
  { flags: '--pseudonymize <key>', description: 'replace clinician ids in outputs with a keyed hash', group: 'pseudonym', kind: 'string' },
  { flags: '--min-cell <n>', description: 'suppress counts below n and figures derived from them', group: 'privacy', kind: 'number' },
  { flags: '--db <url>', description: 'compute in a database instead of reading files: duckdb:FILE or postgres://user@host/database (SPEC 7; the script of msgwork sql)', group: 'database', kind: 'string' },
  { flags: '--table <name>', description: "the table or view with the canonical columns (with duckdb:, also read_parquet('FILE'))", group: 'database', kind: 'string' },
  { flags: '--dialect <name>', description: 'duckdb, postgres (both executed in msgwork\'s tests); tsql, snowflake, bigquery, spark (generated and parsed, not executed here)', group: 'sql', kind: 'string', choices: DIALECT_NAMES },
  { flags: '--rule <rule>', description: "threshold rule 'SECTION.COLUMN OP NUMBER' (repeatable)", group: 'check', kind: 'list' },
  { flags: '--threads <n>', description: 'number of threads', group: 'generate', kind: 'number', default: '1000' },
  { flags: '--seed <n>', description: 'random seed', group: 'generate', kind: 'number', default: '1' },
  { flags: '--start <YYYY-MM-DD>', description: 'first day', group: 'generate', kind: 'string', default: '2024-01-01' },
  { flags: '--days <n>', description: 'days covered', group: 'generate', kind: 'number', default: '91' },
  { flags: '--clinicians <n>', description: 'clinicians (default: scales with threads)', group: 'generate', kind: 'number' },
  { flags: '--roster-out <file>', description: 'also write the matching clinician roster', group: 'generate', kind: 'string' },
];

function attributeName(flags: string): string {
  const long = /--([a-z-]+)/.exec(flags)![1]!;
  return long.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function longFlag(flags: string): string {
  return `--${longName(flags)}`;
}

function longName(flags: string): string {
  return /--([a-z-]+)/.exec(flags)![1]!;
}

/** The heading each group of options has in a command's --help (SPEC 3). */
const HELP_GROUPS: Record<OptionGroup, string> = {
  config: 'Input:',
  input: 'Input:',
  window: 'Time:',
  metrics: 'Grouping and definitions:',
  output: 'Output:',
  pseudonym: 'Privacy:',
  privacy: 'Privacy:',
  check: 'Rules:',
  generate: 'Synthetic export:',
  database: 'Database:',
  sql: 'Database:',
};

/** Time options that are about reading timestamps, shown under Time rather than Input. */
const TIME_OPTIONS = new Set(['--timezone', '--input-timezone', '--time-format']);

/** Adds the options of the given groups (and --config, which every command takes) to a command, grouped in its help. */
export function addOptions(command: Command, groups: readonly OptionGroup[], sections?: readonly string[], except: ReadonlySet<string> = new Set()): Command {
  for (const def of OPTIONS) {
    if (def.group !== 'config' && !groups.includes(def.group)) continue;
    if (except.has(longFlag(def.flags))) continue;
    // Options of one section's definitions only on the commands that compute it.
    if (sections !== undefined && def.sections !== undefined && !def.sections.some((s) => sections.includes(s))) continue;
    const option = new Option(def.flags, def.description);
    option.helpGroup(TIME_OPTIONS.has(longFlag(def.flags)) ? 'Time:' : HELP_GROUPS[def.group]);
    if (def.default !== undefined) option.default(def.default);
    if (def.choices) option.choices(def.choices as string[]);
    if (def.flags.startsWith('--rule')) option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
    command.addOption(option);
  }
  return command;
}

/** Config keys holding file paths (resolved against the config file's folder). */
const CONFIG_PATHS = ['roster', 'holidays', 'output', 'roster-out'];

/** The parsed config file: option values by attribute name, plus synonyms. */
export interface ConfigFile {
  file: string;
  values: Record<string, string | boolean | string[]>;
  synonyms: { role?: Synonyms; category?: Synonyms; care_setting?: Synonyms; sender_type?: Synonyms };
}

/** Reads and validates a JSON config file (errors name the file and key). */
export async function readConfig(file: string): Promise<ConfigFile> {
  const { configSchema } = await import('./config-schema.js');
  const { readProblem, readSmallFile } = await import('./input/limits.js');
  let text: string;
  try {
    text = readSmallFile(file).toString('utf8');
  } catch (error) {
    throw new UsageError(`--config: cannot read ${file}: ${readProblem(error)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    // V8's message quotes the text; say where only (SPEC 4).
    const at = /position (\d+)/.exec((error as Error).message);
    const before = at ? text.slice(0, Number(at[1])) : undefined;
    const where = before === undefined ? '' : ` at line ${before.split('\n').length}, column ${before.length - before.lastIndexOf('\n')}`;
    throw new UsageError(`--config: ${file} is not valid JSON${where}`);
  }
  // Accept camelCase keys as well as the flags' kebab-case names.
  const normalized: Record<string, unknown> = {};
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UsageError(`${file}: the config must be a JSON object of option names to values`);
  }
  const original = new Map<string, string>();
  for (const [key, value] of Object.entries(data)) {
    const name = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`).replace(/_/g, '-');
    normalized[name] = value;
    original.set(name, key);
  }
  if ('care-setting' in normalized) normalized.care_setting = normalized['care-setting'];
  const { schema, known } = configSchema(OPTIONS.filter((def) => !def.flags.startsWith('--config')).map((def) => ({ name: longName(def.flags), kind: def.kind, choices: def.choices })));
  const parsed = schema.safeParse(normalized);
  if (!parsed.success) {
    const messages = parsed.error.issues.map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        // At most ten, each cut short: a hostile config must not make a megabyte error.
        const more = issue.keys.length > 10 ? `; and ${issue.keys.length - 10} more unknown keys` : '';
        return issue.keys
          .slice(0, 10)
          .map((k) => k.slice(0, 40))
          .map((k) => {
            const close = known.find((c) => c.replace(/-/g, '') === k.replace(/-/g, '')) ?? closest(k, known);
            return `unknown key "${(original.get(k) ?? k).slice(0, 40)}"${close ? ` (did you mean "${close}"?)` : ''}`;
          })
          .join('; ') + more;
      }
      const [first, ...rest] = issue.path.map(String);
      return `${[original.get(first!) ?? first, ...rest].join('.')}: ${issue.message}`;
    });
    throw new UsageError(`${file}: ${messages.join('; ')}`);
  }
  const values: Record<string, string | boolean | string[]> = {};
  let synonyms: ConfigFile['synonyms'] = {};
  const { synonymProblems } = await import('./input/vocabulary.js');
  const problems = synonymProblems(((parsed.data as Record<string, unknown>).synonyms ?? {}) as Record<string, Synonyms>, closest);
  if (problems.length > 0) throw new UsageError(`${file}: ${problems.join('; ')}`);
  const { dirname, resolve } = await import('node:path');
  for (const [key, value] of Object.entries(parsed.data as Record<string, unknown>)) {
    if (key === 'synonyms') synonyms = value as ConfigFile['synonyms'];
    else if (CONFIG_PATHS.includes(key) && typeof value === 'string' && value !== 'us-federal' && value !== '-') {
      // Paths in a config file are relative to the config file, so a scheduled job works from any folder.
      values[attributeName(`--${key}`)] = resolve(dirname(file), value);
    }
    else if (key === 'rules') values.rule = value as string[];
    else if (key !== '$schema' && key !== 'description') values[attributeName(`--${key}`)] = value as string | boolean | string[];
  }
  return { file, values, synonyms };
}

/** Option values after merging the config file under the command line. */
export type RawOptions = Record<string, string | boolean | string[] | undefined>;

/**
 * The command's options with the config file merged in: a flag given on the
 * command line wins, then the config file, then the default.
 */
export async function mergedOptions(command: Command): Promise<{ raw: RawOptions; config?: ConfigFile }> {
  const raw = { ...command.opts() } as RawOptions;
  if (typeof raw.config !== 'string') return { raw };
  const config = await readConfig(raw.config);
  for (const [key, value] of Object.entries(config.values)) {
    if (!command.options.some((o) => o.attributeName() === key)) continue;
    if (command.getOptionValueSource(key) === 'cli') continue;
    raw[key] = Array.isArray(value) && key !== 'rule' ? value.join(',') : value;
  }
  return { raw, config };
}

/** Everything about reading and windowing the input, validated. */
export interface InputSettings {
  files: readonly string[];
  sources: InputSource[];
  preset: Preset;
  map: Map<Field, string>;
  rosterFile?: string | undefined;
  delimiter?: string | undefined;
  /** Explicit quoting (`--quote`); otherwise on for CSV, off for tab-separated files. */
  quote?: boolean | undefined;
  encoding?: Encoding | undefined;
  sheet?: string | undefined;
  timeFormat?: string | undefined;
  /** Reporting zone: every local-time rule. */
  zone: Zone;
  /** Zone of timestamps without an offset (--input-timezone, else the reporting zone's name); counts DST gaps and overlaps. */
  inputZone: Zone;
  systemSenders: string[];
  workHours: TimeRange;
  workDays: boolean[];
  workHoursText: string;
  workDaysText: string;
  holidays?: string | undefined;
  range?: DayRange | undefined;
  /** --as-of as UTC milliseconds. */
  asOf?: number | undefined;
  /** How the range was chosen, e.g. `--period last-month`. */
  rangeSource?: string | undefined;
  strict: boolean;
  quiet: boolean;
  vocabularies: Vocabularies;
  configFile?: string | undefined;
}

function str(raw: RawOptions, key: string): string | undefined {
  const v = raw[key];
  if (v === undefined || v === false) return undefined;
  return Array.isArray(v) ? v.join(',') : String(v);
}

function parseDelimiter(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (text === '\\t' || text.toLowerCase() === 'tab' || text === '\t') return '\t';
  if (text.length !== 1 || text === '"' || text === '\n' || text === '\r' || text.charCodeAt(0) < 32 || text.charCodeAt(0) > 126) {
    throw new UsageError(`--delimiter: ${JSON.stringify(text.slice(0, 10))} must be one printable ASCII character other than a quote (or \\t for tab), such as , ; or |`);
  }
  return text;
}

function parseQuote(text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  if (text === '"') return true;
  if (text.toLowerCase() === 'none' || text === '') return false;
  throw new UsageError(`--quote: "${text.slice(0, 10)}" is not none or '"'`);
}

/** Validates the input and window options of a command. */
export function inputSettings(files: readonly string[], raw: RawOptions, config?: ConfigFile): InputSettings {
  const zone = new Zone(str(raw, 'timezone') ?? machineTimeZone());
  const inputZoneName = str(raw, 'inputTimezone');
  const inputZone = new Zone(inputZoneName === undefined ? zone.name : checkTimeZone(inputZoneName, '--input-timezone'));
  const encodingText = str(raw, 'encoding');
  const encoding = encodingText === undefined ? undefined : parseEncoding(encodingText);
  if (encodingText !== undefined && encoding === undefined) {
    throw new UsageError(`--encoding: "${encodingText.slice(0, 20)}" is not one of ${ENCODINGS.join(', ')}`);
  }
  const workHoursText = str(raw, 'workHours') ?? '07:00-17:00';
  const workDaysText = str(raw, 'workDays') ?? 'mon-fri';
  const workHours = parseTimeRange(workHoursText, '--work-hours');
  const workDays = parseWorkDays(workDaysText);
  const since = str(raw, 'since');
  const until = str(raw, 'until');
  const period = str(raw, 'period');
  let range: DayRange | undefined;
  let rangeSource: string | undefined;
  if (period !== undefined) {
    if (since !== undefined || until !== undefined) throw new UsageError('--period cannot be combined with --since or --until');
    range = resolvePeriod(period, todayIn(zone));
    rangeSource = `--period ${period}`;
  } else if (since !== undefined || until !== undefined) {
    range = {
      since: since === undefined ? -Infinity : parseDateOption(since, '--since'),
      until: until === undefined ? Infinity : parseDateOption(until, '--until'),
    };
    if (range.since > range.until) throw new UsageError(`--since ${since} is after --until ${until}`);
    rangeSource = [since && `--since ${since}`, until && `--until ${until}`].filter(Boolean).join(' ');
  }
  const mapText = str(raw, 'map');
  const preset = getPreset(str(raw, 'preset') ?? 'canonical');
  return {
    files,
    sources: inputSources(files),
    preset,
    map: mapText === undefined ? new Map() : parseMap(mapText),
    rosterFile: str(raw, 'roster'),
    delimiter: parseDelimiter(str(raw, 'delimiter')),
    quote: parseQuote(str(raw, 'quote')),
    encoding,
    sheet: str(raw, 'sheet'),
    timeFormat: str(raw, 'timeFormat'),
    zone,
    inputZone,
    systemSenders: (str(raw, 'systemSenders') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== ''),
    workHours,
    workDays,
    workHoursText,
    workDaysText,
    holidays: str(raw, 'holidays'),
    range,
    rangeSource,
    asOf: parseAsOf(str(raw, 'asOf'), zone),
    strict: raw.strict === true,
    quiet: raw.quiet === true,
    vocabularies: makeVocabularies({
      ...config?.synonyms,
      sender_type: { ...preset.senderTypes, ...config?.synonyms.sender_type },
    }),
    configFile: config?.file,
  };
}

/** `--as-of`: a date and time in --timezone (or with an offset); a bare date is the end of that day. */
function parseAsOf(text: string | undefined, zone: Zone): number | undefined {
  if (text === undefined) return undefined;
  const day = parseDate(text.trim());
  if (day !== undefined) return zone.startOfLocalDay(day + 1) - 1;
  const t = parseTimestamp(text, zone);
  if (!Number.isFinite(t)) throw new UsageError(`--as-of: "${text.slice(0, 40)}" is not a date and time (2024-03-31 or 2024-03-31T18:00)`);
  return t;
}

/** The output format: explicit, else from the -o extension, else table on a terminal and csv otherwise. */
export function outputFormat(raw: RawOptions, isTerminal: boolean): Format {
  const format = str(raw, 'format');
  if (format !== undefined) {
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`--format: "${format}" is not one of ${FORMATS.join(', ')}`);
    }
    return format as Format;
  }
  const output = str(raw, 'output');
  if (output !== undefined) {
    const ext = /\.([a-z]+)$/i.exec(output)?.[1]?.toLowerCase();
    const byExtension: Record<string, Format> = { csv: 'csv', json: 'json', md: 'markdown', markdown: 'markdown', html: 'html', htm: 'html', txt: 'table', parquet: 'parquet' };
    return (ext && Object.hasOwn(byExtension, ext) ? byExtension[ext] : undefined) ?? 'csv';
  }
  return isTerminal ? 'table' : 'csv';
}

/** Parses a positive number option. */
export function numberOption(raw: RawOptions, key: string, flag: string, { min = 0, integer = false, max = Number.MAX_SAFE_INTEGER } = {}): number | undefined {
  const text = str(raw, key);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${flag}: "${text.slice(0, 40)}" is not ${integer ? 'a whole number' : 'a number'} ≥ ${min}`);
  }
  if (n > max) throw new UsageError(`${flag}: "${text.slice(0, 40)}" is more than ${max.toLocaleString('en-US')}`);
  return n;
}

export { str as optionString };
