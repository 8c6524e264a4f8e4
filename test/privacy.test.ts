import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { neutralizeFormula } from '../src/output/cells.js';
import { renderCsv } from '../src/output/csv.js';
import { pseudonym, suppressSmallCells } from '../src/output/privacy.js';
import type { Section } from '../src/output/report.js';
import { HAND_MADE, HAND_MADE_ROSTER } from './support/context.js';
import { smallExport, table, tempDir, toCsv, write } from './support/fixtures.js';

const BIN = resolve('bin/msgwork');
const run = (args: string[], cwd: string) => spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

describe('no patient id and no message text in any output (SPEC 4)', () => {
  const dir = tempDir();
  // Patient ids PATIENT-SECRET-n, a body full of MARKER-TEXT-n, and rows that fail validation.
  const { csv } = smallExport(200, 8);
  const { header, rows } = table(csv);
  const at = (name: string) => header.indexOf(name);
  const marked = rows.map((r, i) => {
    const copy = [...r];
    copy[at('patient_id')] = `PATIENT-SECRET-${r[at('patient_id')]}`;
    return [...copy, `Dear doctor, MARKER-TEXT-${i} "quoted", with commas\nand a newline`];
  });
  const broken = [
    ['MX1', 'T1', 'not a time', 'patient', '', '', 'PATIENT-SECRET-X', '', '', '', '', '', 'MARKER-TEXT-bad-time'],
    ['MX2', 'T1', '2024-03-04 10:00', 'clinician', '', '', 'PATIENT-SECRET-X', '', '', '', '', '', 'MARKER-TEXT-no-sender'],
    ['MX3', 'T1', '2024-03-04 10:00', 'patient', 'MARKER-TEXT-short-row'],
  ];
  write(dir, 'messages.csv', toCsv([...header, 'body'], [...marked, ...broken]));
  const runs: [string, string[]][] = [
    ...['table', 'csv', 'json', 'markdown', 'html'].map((f) => [`report --format ${f}`, ['report', '--timezone', 'UTC', '--format', f, '--by', 'clinician', 'messages.csv']] as [string, string[]]),
    ['report (default)', ['report', '--timezone', 'UTC', 'messages.csv']],
    ['validate table', ['validate', '--timezone', 'UTC', '--format', 'table', 'messages.csv']],
    ['validate json', ['validate', '--timezone', 'UTC', '--format', 'json', 'messages.csv']],
    ['check', ['check', '--timezone', 'UTC', '--by', 'role', '--rule', 'latency.median_hours <= 1', 'messages.csv']],
    ['--strict failure', ['report', '--timezone', 'UTC', '--strict', 'messages.csv']],
    ['missing column', ['report', '--timezone', 'UTC', '--map', 'patient_id=nope', 'messages.csv']],
  ];
  for (const [name, args] of runs) {
    it(name, () => {
      const out = run(args, dir);
      expect(out.status, out.stderr).not.toBe(70);
      for (const stream of [out.stdout, out.stderr]) {
        expect(stream).not.toMatch(/PATIENT-SECRET/);
        expect(stream).not.toMatch(/MARKER-TEXT/);
      }
    });
  }
  it('still reports the bad rows by file, line and field', () => {
    const out = run(['volume', '--timezone', 'UTC', '--format', 'csv', 'messages.csv'], dir);
    expect(out.stderr).toMatch(/messages\.csv:\d+: sent_at: bad timestamp \(not a time\)/);
    expect(out.stderr).toMatch(/messages\.csv:\d+: sender_id: missing/);
    expect(out.stderr).toMatch(/messages\.csv:\d+: row: wrong field count \(5 fields, header has 13\)/);
  });
});

describe('--pseudonymize', () => {
  const dir = tempDir();
  write(dir, 'messages.csv', HAND_MADE);
  write(dir, 'roster.csv', HAND_MADE_ROSTER);
  const ids = (key: string) => {
    const out = run(['volume', '--timezone', 'UTC', '--roster', 'roster.csv', '--by', 'clinician', '--format', 'csv', '--pseudonymize', key, 'messages.csv'], dir);
    return out.stdout.trim().split('\n').slice(1).map((l) => l.split(',')[0]);
  };

  it('is stable for a key and different across keys', () => {
    const first = ids('key-number-one');
    expect(first).toHaveLength(3);
    expect(ids('key-number-one')).toEqual(first);
    const other = ids('key-number-two');
    expect(other.every((id) => !first.includes(id))).toBe(true);
    expect(first.every((id) => /^c-[0-9a-f]{12}$/.test(id!))).toBe(true);
    expect(pseudonym('A', 'key-number-one')).toBe(pseudonym('A', 'key-number-one'));
    expect(pseudonym('A', 'key-number-one')).not.toBe(pseudonym('B', 'key-number-one'));
  });

  it('replaces clinician ids everywhere but leaves departments alone', () => {
    const out = run(['report', '--timezone', 'UTC', '--roster', 'roster.csv', '--by', 'clinician,department', '--format', 'json', '--pseudonymize', 'key-number-one', 'messages.csv'], dir);
    const groups = JSON.parse(out.stdout).sections['volume.by_clinician_department'].rows.map((r: Record<string, string>) => [r.clinician_id, r.department]);
    expect(groups.map((g: string[]) => g[0])).not.toContain('A');
    expect(groups.map((g: string[]) => g[1]).sort()).toEqual(['Clinic', 'Clinic', 'Medicine']);
    const check = run(['check', '--timezone', 'UTC', '--by', 'clinician', '--rule', 'volume.messages_sent >= 1', '--pseudonymize', 'key-number-one', 'messages.csv'], dir);
    expect(check.stdout).not.toMatch(/clinician_id=[ABC]\b/);
  });

  it('refuses a short key', () => {
    const out = run(['volume', '--timezone', 'UTC', '--pseudonymize', 'abc', 'messages.csv'], dir);
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(/at least 8 characters/);
  });
});

describe('--min-cell', () => {
  it('blanks counts below N and every figure derived from them', () => {
    const section: Section = {
      name: 'latency',
      title: 'Latency',
      columns: [
        { name: 'role', kind: 'group' },
        { name: 'index_messages', kind: 'count' },
        { name: 'answered', kind: 'count' },
        { name: 'median_hours', kind: 'hours', basis: ['answered'] },
        { name: 'pct_within_24h', kind: 'percent', basis: ['index_messages', 'answered'] },
      ],
      rows: [
        { role: 'physician', index_messages: 40, answered: 30, median_hours: 5, pct_within_24h: 60 },
        { role: 'rn', index_messages: 12, answered: 4, median_hours: 2, pct_within_24h: 25 },
        { role: 'ma', index_messages: 3, answered: 3, median_hours: 1, pct_within_24h: 100 },
      ],
      total: { role: 'total', index_messages: 55, answered: 37, median_hours: 4, pct_within_24h: 56 },
    };
    const out = suppressSmallCells(section, 5);
    expect(out.rows[0]).toEqual(section.rows[0]);
    // answered 4 < 5: it, the median and the share go; index_messages 12 stays.
    expect(out.rows[1]).toEqual({ role: 'rn', index_messages: 12, answered: null, median_hours: null, pct_within_24h: null });
    expect(out.rows[2]).toEqual({ role: 'ma', index_messages: null, answered: null, median_hours: null, pct_within_24h: null });
    expect(out.total).toEqual(section.total);
    expect([...out.suppressed!.cells.get(out.rows[1]!)!]).toEqual(['answered', 'median_hours', 'pct_within_24h']);
  });

  it('shows <N in tables, blank in CSV, and says so in JSON settings', () => {
    const dir = tempDir();
    write(dir, 'messages.csv', HAND_MADE);
    const tableOut = run(['latency', '--timezone', 'UTC', '--by', 'role', '--min-cell', '5', '--format', 'table', 'messages.csv'], dir).stdout;
    expect(tableOut).toMatch(/│ rn\s+│\s+<5 │/);
    const csv = run(['latency', '--timezone', 'UTC', '--by', 'role', '--min-cell', '5', '--format', 'csv', 'messages.csv'], dir).stdout;
    // Roles without a roster: physician (A), app (C), rn (B); rn has 1 index message.
    // All 14 metric columns of the rn row are blank (pending and the Kaplan–Meier columns too).
    expect(csv.split('\n').find((l) => l.startsWith('rn,'))).toBe(`rn${','.repeat(14)}`);
    const json = JSON.parse(run(['latency', '--timezone', 'UTC', '--min-cell', '5', '--format', 'json', 'messages.csv'], dir).stdout);
    expect(json.settings.min_cell).toBe(5);
    expect(json.settings.suppression).toMatch(/below 5/);
  });
});

describe('formula neutralisation', () => {
  it('neutralises a department named =HYPERLINK(…) in CSV and markdown, leaving numbers intact', () => {
    const dir = tempDir();
    const evil = HAND_MADE.replace(/,Clinic\n/g, ',"=HYPERLINK(""http://x"",""y"")"\n').replace(/,Clinic$/, '');
    write(dir, 'messages.csv', evil);
    const csv = run(['volume', '--timezone', 'UTC', '--by', 'department', '--format', 'csv', 'messages.csv'], dir).stdout;
    expect(csv.split('\n')[1]).toBe(`"'=HYPERLINK(""http://x"",""y"")",3,10,100,3.3333333333,3,8,4,7`);
    const md = run(['volume', '--timezone', 'UTC', '--by', 'department', '--format', 'markdown', 'messages.csv'], dir).stdout;
    expect(md).toMatch(/\| '=HYPERLINK\("http:\/\/x","y"\) \| 3 \| 10 \|/);
    for (const lead of ['+1', '-1', '@SUM(A1)']) {
      const t = HAND_MADE.replace(/,Clinic\n/g, `,"${lead}"\n`);
      write(dir, 'lead.csv', t);
      const out = run(['volume', '--timezone', 'UTC', '--by', 'department', '--format', 'csv', 'lead.csv'], dir).stdout;
      expect(out.split('\n')[1]!.startsWith(`'${lead},3,10,`), lead).toBe(true);
    }
  });

  it('neutralises leading tab and carriage return, and only text', () => {
    expect(neutralizeFormula('\tx')).toBe("'\tx");
    expect(neutralizeFormula('\rx')).toBe("'\rx");
    expect(neutralizeFormula('Cardiology')).toBe('Cardiology');
    expect(renderCsv({ title: 't', settings: {}, header: [], sections: [{ name: 's', title: 's', columns: [{ name: 'a', kind: 'text' }, { name: 'n', kind: 'number' }], rows: [{ a: '-x', n: -1.5 }] }] })).toBe("a,n\n'-x,-1.5\n");
  });
});
