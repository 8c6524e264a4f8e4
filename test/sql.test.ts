/**
 * SPEC 7: `msgwork sql` and `report --db`. The DuckDB and PostgreSQL scripts
 * are run in real engines and must equal the in-memory engine in every
 * section, overall and by role, category, month and clinician (relative
 * tolerance 1e-9), on the samples and two generated exports: one in
 * America/New_York across the March DST change with us-federal holidays, one
 * in America/Chicago across the November change with every definition option
 * moved off its default (input time zone, window, as-of, latency index, bounds,
 * session gap, work window, evening band, a holiday file). The other dialects
 * are parsed by a parser for that dialect.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyse } from '../src/commands/context.js';
import { databaseReport } from '../src/commands/database.js';
import { metricContext, metricSettings, section, SECTION_NAMES, sectionName } from '../src/commands/metrics.js';
import { parseBy } from '../src/model/groups.js';
import { inputSettings, type RawOptions } from '../src/options.js';
import type { Row } from '../src/output/report.js';
import { DIALECT_NAMES } from '../src/sql/dialect.js';
import { loadDuckDb, loadPostgres } from './support/database.js';
import { generatedExport, tempDir, write } from './support/fixtures.js';
import { startCluster, type Cluster } from './support/postgres.js';

const dir = tempDir('msgwork-sql-');
const bin = join(import.meta.dirname, '..', 'bin', 'msgwork');

interface Dataset {
  table: string;
  csv: string;
  raw: RawOptions;
}

const DATASETS: Record<string, Dataset> = {
  samples: { table: 'samples', csv: join(import.meta.dirname, '..', 'samples', 'messages.csv'), raw: { timezone: 'America/New_York' } },
  'New York, March DST change, us-federal holidays': {
    table: 'new_york',
    // 12 February to 30 March 2024: Presidents' Day (19 February) and the spring-forward change (10 March) inside.
    csv: write(dir, 'new-york.csv', generatedExport({ threads: 2500, seed: 11, start: '2024-02-12', days: 48 }).csv),
    raw: { timezone: 'America/New_York', holidays: 'us-federal' },
  },
  'Chicago, November DST change, every option moved': {
    table: 'chicago',
    csv: write(dir, 'chicago.csv', generatedExport({ threads: 2000, seed: 5, start: '2024-10-14', days: 45 }).csv),
    raw: {
      timezone: 'America/Chicago',
      // Naive times read in Denver: its fall-back hour (01:00-02:00 on 3 November) is another instant than Chicago's.
      inputTimezone: 'America/Denver',
      since: '2024-10-21',
      until: '2024-11-17',
      asOf: '2024-11-24 12:00',
      latencyIndex: 'each',
      within: '4h,72h,90m',
      sessionGap: '30',
      minutesPerMessage: '3',
      workHours: '08:00-18:00',
      workDays: 'mon-sat',
      evening: '18:00-21:00',
      holidays: write(dir, 'holidays.txt', '2024-10-31\n2024-11-11\n'),
    },
  },
};

const GROUPINGS = [undefined, 'month', 'clinician'] as const;
/** The other dimensions, crossed, on DuckDB only (the engine-independent SQL is the same). */
const MORE_GROUPINGS = ['week,weekday,hour', 'year,quarter,care_setting,department'] as const;

/** Every section's rows from the in-memory engine, by section name. */
async function inMemory(data: Dataset, by: string | undefined): Promise<Map<string, Row[]>> {
  const raw: RawOptions = { ...data.raw, quiet: true, ...(by ? { by } : {}) };
  const analysis = await analyse(inputSettings([data.csv], raw));
  const context = metricContext(analysis, metricSettings(raw));
  const dims = parseBy(by);
  const views = dims.length ? [dims] : [[], ['role' as const], ['category' as const]];
  const out = new Map<string, Row[]>();
  for (const name of SECTION_NAMES) for (const view of views) out.set(sectionName(name, view), section(context, name, view, false).rows);
  return out;
}

/** Every section's rows computed by the database, through report --db. */
async function inDatabase(data: Dataset, db: string, by: string | undefined): Promise<Map<string, Row[]>> {
  const raw: RawOptions = { ...data.raw, quiet: true, db, table: data.table, ...(by ? { by } : {}) };
  const report = await databaseReport(raw, inputSettings([], raw), 'json', metricSettings(raw), {}, parseBy(by), SECTION_NAMES);
  return new Map(report.sections.map((s) => [s.name, s.rows]));
}

/** Compares two engines' sections cell by cell; returns the number of cells compared and the differences. */
function compare(expected: Map<string, Row[]>, actual: Map<string, Row[]>): { cells: number; differences: string[] } {
  const differences: string[] = [];
  let cells = 0;
  expect([...actual.keys()]).toEqual([...expected.keys()]);
  for (const [name, rows] of expected) {
    const got = actual.get(name)!;
    expect(got.length, `${name}: rows`).toBe(rows.length);
    rows.forEach((row, r) => {
      expect(Object.keys(got[r]!), `${name} row ${r}: columns`).toEqual(Object.keys(row));
      for (const [column, value] of Object.entries(row)) {
        cells++;
        const other = got[r]![column];
        const same = value === other || (typeof value === 'number' && typeof other === 'number' && Math.abs(value - other) <= 1e-9 * Math.max(Math.abs(value), Math.abs(other)));
        if (!same && differences.length < 20) differences.push(`${name} row ${r} ${column}: in memory ${value}, in the database ${other}`);
      }
    });
  }
  return { cells, differences };
}

const duckFile = join(dir, 'messages.duckdb');
let duckReady: Promise<void> | undefined;
function duck(): Promise<void> {
  duckReady ??= loadDuckDb(duckFile, Object.fromEntries(Object.values(DATASETS).map((d) => [d.table, d.csv])));
  return duckReady;
}

describe('report --db duckdb: equals the in-memory engine', () => {
  for (const [label, data] of Object.entries(DATASETS)) {
    for (const by of [...GROUPINGS, ...MORE_GROUPINGS]) {
      it(`${label}, ${by ? `by ${by}` : 'overall, by role and by category'}`, async () => {
        await duck();
        const { cells, differences } = compare(await inMemory(data, by), await inDatabase(data, `duckdb:${duckFile}`, by));
        expect(differences).toEqual([]);
        expect(cells).toBeGreaterThan(90);
      });
    }
  }
});

describe('report --db: daylight-saving rules of SPEC 1.4 in the database', () => {
  it('the generated exports hold a spring-forward time (New York) and a fall-back time (Denver)', async () => {
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(DATASETS['New York, March DST change, us-federal holidays']!.csv, 'utf8')).toMatch(/,2024-03-10 02:\d\d:\d\d,/);
    expect(readFileSync(DATASETS['Chicago, November DST change, every option moved']!.csv, 'utf8')).toMatch(/,2024-11-03 01:\d\d:\d\d,/);
  });

  it('a gap time moves forward, an ambiguous time takes the earlier instant', async () => {
    // New York. 10 March 02:30 does not exist: 03:30 EDT, so a reply at 03:45 comes 15 min later.
    // 3 November 01:30 happens twice: the earlier (EDT, 05:30 UTC) instant, so a reply at 02:15 (EST, 07:15 UTC)
    // comes 1 h 45 min later; the later instant (06:30 UTC), which engines take by themselves, would give 45 min.
    // Latencies 0.25 h and 1.75 h: median 1.0, p90 0.25 + 0.9 × 1.5 = 1.6.
    const csv = write(dir, 'dst.csv', `message_id,thread_id,sent_at,sender_type,sender_id,sender_role,patient_id,recipient_id,category,department,care_setting
a1,ta,2024-03-10 02:30:00,patient,,,p1,C1,,,
a2,ta,2024-03-10 03:45:00,clinician,C1,MD,p1,,,,
b1,tb,2024-11-03 01:30:00,patient,,,p2,C1,,,
b2,tb,2024-11-03 02:15:00,clinician,C1,MD,p2,,,,
`);
    const file = join(dir, 'dst.duckdb');
    await loadDuckDb(file, { dst: csv });
    const data = { table: 'dst', csv, raw: { timezone: 'America/New_York' } };
    const rows = (await inDatabase(data, `duckdb:${file}`, undefined)).get('latency')!;
    expect(rows[0]).toMatchObject({ index_messages: 2, answered: 2, median_hours: 1 });
    expect(rows[0]!.p90_hours).toBeCloseTo(1.6, 12);
    expect(compare(await inMemory(data, undefined), await inDatabase(data, `duckdb:${file}`, undefined)).differences).toEqual([]);
  });
});

describe('report --db postgres:// equals the in-memory engine', () => {
  let cluster: Cluster | undefined;
  let problem: string | undefined;
  beforeAll(async () => {
    try {
      cluster = await startCluster();
      if (cluster) await loadPostgres(cluster.url, Object.fromEntries(Object.values(DATASETS).map((d) => [d.table, d.csv])));
    } catch (error) {
      problem = (error as Error).message.split('\n')[0];
    }
  }, 120_000);
  afterAll(() => cluster?.stop());

  it('has a cluster to run on (apt-get install postgresql), else says why it skips', (context) => {
    if (!cluster) {
      console.warn(`SKIPPED: PostgreSQL tests: ${problem ?? 'Debian package postgresql is not installed (.ci/run installs it)'}`);
      context.skip();
    }
    expect(cluster!.url).toMatch(/^postgres:\/\/msgwork@127\.0\.0\.1:\d+\/postgres$/);
  });

  for (const [label, data] of Object.entries(DATASETS)) {
    for (const by of GROUPINGS) {
      it(`${label}, ${by ? `by ${by}` : 'overall, by role and by category'}`, async (context) => {
        if (!cluster) return context.skip();
        const { cells, differences } = compare(await inMemory(data, by), await inDatabase(data, cluster.url, by));
        expect(differences).toEqual([]);
        expect(cells).toBeGreaterThan(90);
      }, 60_000);
    }
  }
});

/** `msgwork sql` output for a dialect and options. */
function script(dialect: string, ...options: string[]): string {
  return execFileSync(process.execPath, [bin, 'sql', '--dialect', dialect, '--table', 'messages', ...options], { encoding: 'utf8' });
}

/** The statements of a script (each ends with `;` at the end of a line), comments dropped. */
function statements(text: string): string[] {
  return text
    .split(/;\n/)
    .map((s) => s.replace(/^--.*$/gm, '').trim())
    .filter(Boolean);
}

const OPTION_SETS = [
  ['--timezone', 'America/New_York', '--holidays', 'us-federal'],
  ['--timezone', 'America/Chicago', '--by', 'month,clinician', '--latency-index', 'each', '--within', '4h,72h', '--since', '2024-03-01', '--until', '2024-03-31', '--as-of', '2024-04-07'],
  ['--timezone', 'Europe/Berlin', '--input-timezone', 'UTC', '--by', 'week,weekday,hour,quarter,year,care_setting,department', '--system-senders', "MyChart O'Reilly"],
];

/**
 * node-sql-parser's T-SQL grammar has no AT TIME ZONE (SQL Server 2016 and later): each
 * `AT TIME ZONE 'name'` becomes `+ 0`, an operator of the same place, before parsing; the
 * names themselves are checked against CLDR's Windows zones.
 */
function withoutAtTimeZone(sql: string): string {
  return sql.replace(/ AT TIME ZONE '[^']*'/g, ' + 0');
}

describe('msgwork sql: the dialects not executed here parse with their parser', () => {
  it.each(OPTION_SETS.map((o) => [o.join(' ')]))('tsql, snowflake and bigquery (node-sql-parser): %s', async (joined) => {
    const { default: sqlParser } = await import('node-sql-parser');
    const parser = new sqlParser.Parser();
    const options = OPTION_SETS.find((o) => o.join(' ') === joined)!;
    for (const [dialect, database] of [['tsql', 'transactsql'], ['snowflake', 'snowflake'], ['bigquery', 'bigquery']] as const) {
      const all = statements(script(dialect, ...options));
      expect(all.length).toBeGreaterThan(25);
      for (const statement of all) {
        const text = dialect === 'tsql' ? withoutAtTimeZone(statement) : statement;
        expect(() => parser.astify(text, { database }), `${dialect}: ${statement.slice(0, 200)}`).not.toThrow();
      }
    }
  });

  it('the parsers reject a broken script (the check can fail)', async () => {
    const { default: sqlParser } = await import('node-sql-parser');
    const parser = new sqlParser.Parser();
    const broken = statements(script('snowflake', '--timezone', 'UTC')).findLast((s) => s.includes('GROUP BY'))!.replace('GROUP BY', 'GROUP');
    expect(() => parser.astify(broken, { database: 'snowflake' })).toThrow();
    const { SparkSQL } = await import('dt-sql-parser');
    expect(new SparkSQL().validate('SELECT a FROM t GROUP a').length).toBeGreaterThan(0);
  });

  it('spark (dt-sql-parser, from Spark\'s own grammar)', async () => {
    const { SparkSQL } = await import('dt-sql-parser');
    const spark = new SparkSQL();
    for (const options of OPTION_SETS) {
      const text = script('spark', ...options);
      expect(statements(text).length).toBeGreaterThan(25);
      expect(spark.validate(text).map((e) => `${e.startLine}: ${e.message}`)).toEqual([]);
    }
  }, 120_000);

  it('T-SQL names zones the Windows way, from CLDR\'s table', async () => {
    const { WINDOWS_TO_IANA_MAP } = await import('windows-iana');
    const windowsNames = new Set(Object.values(WINDOWS_TO_IANA_MAP).map((entry) => entry.windowsName));
    const text = script('tsql', '--timezone', 'America/New_York', '--input-timezone', 'Asia/Kolkata');
    const zones = new Set([...text.matchAll(/AT TIME ZONE '([^']*)'/g)].map((m) => m[1]!));
    expect([...zones].sort()).toEqual(['Eastern Standard Time', 'India Standard Time', 'UTC']);
    for (const zone of zones) expect(windowsNames.has(zone) || zone === 'UTC').toBe(true);
  });

  it('every dialect names its result sets, and says whether it is executed here', () => {
    for (const dialect of DIALECT_NAMES) {
      const text = script(dialect, '--timezone', 'UTC');
      expect(text.match(/^-- result: .*$/gm)).toEqual(
        ['run', 'volume', 'volume.by_role', 'volume.by_category', 'after-hours', 'after-hours.by_role', 'after-hours.by_category', 'latency', 'latency.by_role', 'latency.by_category', 'rounds', 'rounds.by_role', 'rounds.by_category'].map((r) => `-- result: ${r}`),
      );
      expect(text).toContain(dialect === 'duckdb' || dialect === 'postgres' ? 'Executed in msgwork' : 'not executed in msgwork');
    }
    expect(execFileSync(process.execPath, [bin, 'sql', '--help'], { encoding: 'utf8' })).toMatch(/duckdb and postgres are executed[\s\S]*generated and checked/);
  });
});

describe('report --db from the command line', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'report', ...args], { encoding: 'utf8' });

  it('writes the usual formats, pseudonymises clinicians and suppresses small cells as on files', async () => {
    await duck();
    const db = `duckdb:${duckFile}`;
    const json = run('--db', db, '--table', 'samples', '--timezone', 'America/New_York', '--by', 'clinician', '--pseudonymize', 'a-long-key-1', '--min-cell', '11', '--format', 'json');
    expect(json.status, json.stderr).toBe(0);
    expect(json.stdout).not.toMatch(/"C00\d\d"/);
    expect(json.stdout).toMatch(/"c-[0-9a-f]{12}"/);
    const files = run(data('samples'), '--timezone', 'America/New_York', '--by', 'clinician', '--pseudonymize', 'a-long-key-1', '--min-cell', '11', '--format', 'json');
    const blanks = (text: string) => JSON.stringify(Object.values(JSON.parse(text).sections as Record<string, { rows: Row[] }>).map((s) => s.rows.map((r) => Object.keys(r).filter((k) => r[k] === null))));
    expect(blanks(json.stdout)).toBe(blanks(files.stdout));
    const csv = run('--db', db, '--table', 'samples', '--timezone', 'America/New_York', '--format', 'csv');
    expect(csv.stdout.split('\n')[0]).toBe('# section: volume');
    expect(csv.stdout).toContain('\n# section: rounds.by_category\n');
  });

  it('draws the same HTML charts and the same terminal trend as from the file', async () => {
    await duck();
    const options = ['--timezone', 'America/New_York', '--holidays', 'us-federal'];
    const charts = (text: string) => [...text.matchAll(/<figure class="chart" id="(chart-[a-z-]+)"[\s\S]*?<\/figure>/g)].map((m) => `${m[1]}: ${(m[0].match(/role="graphics-symbol"/g) ?? []).length} marks`);
    const fromDb = run('--db', `duckdb:${duckFile}`, '--table', 'samples', ...options, '--format', 'html');
    const fromFile = run(data('samples'), ...options, '--format', 'html');
    expect(fromDb.status, fromDb.stderr).toBe(0);
    expect(charts(fromDb.stdout).length).toBeGreaterThanOrEqual(6);
    expect(charts(fromDb.stdout)).toEqual(charts(fromFile.stdout));
    const trend = (text: string) => text.slice(text.indexOf('Monthly trend'));
    const tableDb = run('--db', `duckdb:${duckFile}`, '--table', 'samples', ...options, '--format', 'table');
    expect(trend(tableDb.stdout)).toContain('2024-04 (partial)');
    expect(trend(tableDb.stdout)).toBe(trend(run(data('samples'), ...options, '--format', 'table').stdout));
  });

  it('fails with a clear message and the documented exit code', async () => {
    await duck();
    const missing = run('--db', `duckdb:${duckFile}`, '--table', 'no_such_table', '--timezone', 'UTC');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/the query failed at .*no_such_table/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    const both = run('--db', `duckdb:${duckFile}`, '--table', 'samples', data('samples'));
    expect(both.status).toBe(1);
    expect(both.stderr).toMatch(/either files or --db/);
    const roster = run('--db', `duckdb:${duckFile}`, '--table', 'samples', '--roster', 'samples/roster.csv');
    expect(roster.status).toBe(1);
    expect(roster.stderr).toMatch(/--roster is not available in SQL/);
    const injection = run('--db', `duckdb:${duckFile}`, '--table', 'samples; DROP TABLE samples');
    expect(injection.status).toBe(1);
    const url = run('--db', 'mysql://x', '--table', 'samples');
    expect(url.status).toBe(1);
    expect(url.stderr).toMatch(/not duckdb:FILE or postgres:/);
  });
});

function data(name: string): string {
  return DATASETS[name]!.csv;
}
