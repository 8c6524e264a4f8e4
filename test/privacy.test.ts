import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { neutralizeFormula } from '../src/output/cells.js';
import { renderCsv } from '../src/output/csv.js';
import { pseudonym } from '../src/output/privacy.js';
import { suppressSections } from '../src/output/suppression.js';
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
  // Leaks found by a determined reader (issue 12): nothing of these files or columns may come back.
  write(dir, 'headerless.csv', toCsv(marked[0]!, marked.slice(1, 20)));
  write(dir, 'passwd-like.csv', 'root:x:0:0:MARKER-TEXT-roster:/root:/bin/bash\nPATIENT-SECRET-line2\n');
  write(dir, 'bad-fte.csv', 'clinician_id,fte\nC0001,MARKER-TEXT-fte\n');
  write(dir, 'holidays.txt', '2024-01-01\nMARKER-TEXT-holiday\n');
  write(dir, 'config.json', '{ "timezone": "UTC", MARKER-TEXT-config }');
  const leaks: [string, string[]][] = [
    ['a headerless export', ['validate', '--timezone', 'UTC', 'headerless.csv']],
    ['--roster /etc/passwd-like', ['report', '--timezone', 'UTC', '--roster', 'passwd-like.csv', 'messages.csv']],
    ['a roster fte error', ['report', '--timezone', 'UTC', '--roster', 'bad-fte.csv', '--pseudonymize', 'key-number-one', 'messages.csv']],
    ['a holiday file error', ['report', '--timezone', 'UTC', '--holidays', 'holidays.txt', 'messages.csv']],
    ['a config that is not JSON', ['report', '--config', 'config.json', 'messages.csv']],
    ['--map category=body (free text)', ['validate', '--timezone', 'UTC', '--map', 'category=body', 'messages.csv']],
    ['--map sender_id=patient_id', ['volume', '--timezone', 'UTC', '--by', 'clinician', '--map', 'sender_id=patient_id', 'messages.csv']],
    ['--map sender_type=body', ['validate', '--timezone', 'UTC', '--format', 'table', '--map', 'sender_type=body', 'messages.csv']],
  ];
  for (const [name, args] of leaks) {
    it(`no leak: ${name}`, () => {
      const out = run(args, dir);
      expect(out.status, out.stderr).not.toBe(70);
      expect(out.status, `${name} should fail`).not.toBe(0);
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
  it('hides 1 … N−1 (not 0), derived figures, and complementary cells within rows, columns and shares', () => {
    const columns: Section['columns'] = [
      { name: 'role', kind: 'group' },
      { name: 'index_messages', kind: 'count', sumOf: ['answered', 'unanswered'] },
      { name: 'answered', kind: 'count' },
      { name: 'unanswered', kind: 'count' },
      { name: 'median_hours', kind: 'hours', basis: ['answered'] },
      { name: 'pct_within_24h', kind: 'percent', basis: ['index_messages'], share: { denominator: 'index_messages' } },
    ];
    const total = { role: 'total', index_messages: 52, answered: 45, unanswered: 7, median_hours: 4, pct_within_24h: (100 * 23) / 52 };
    const section: Section = {
      name: 'latency.by_role',
      title: 'Latency by role',
      columns,
      rows: [
        // 20 of 40 within 24 h; 3 of 12 for rn; the ma row has no unanswered message (0 is shown).
        { role: 'physician', index_messages: 40, answered: 36, unanswered: 4, median_hours: 5, pct_within_24h: 50 },
        { role: 'rn', index_messages: 12, answered: 9, unanswered: 3, median_hours: 2, pct_within_24h: 25 },
      ],
      total,
    };
    const overall: Section = { name: 'latency', title: 'Latency', columns: columns.slice(1), rows: [total], total };
    const { sections, summary } = suppressSections([overall, section], 5);
    const [top, byRole] = sections as [Section, Section];
    // Primary (N = 5): unanswered 4 and 3; rn's 3 answered within 24 h (25 % × 12).
    // Rows: index = answered + unanswered with one unknown → the smaller known of 40 and 36 (answered) goes,
    // likewise 9 for rn. Column of within-24-h counts (23 = 20 + 3): rn's unknown alone → physician's share goes.
    // median_hours is derived from answered: hidden with it.
    expect(byRole.rows[0]).toEqual({ role: 'physician', index_messages: 40, answered: null, unanswered: null, median_hours: null, pct_within_24h: null });
    expect(byRole.rows[1]).toEqual({ role: 'rn', index_messages: 12, answered: null, unanswered: null, median_hours: null, pct_within_24h: null });
    // The total row and the overall table show everything: no column has a single unknown.
    expect(byRole.total).toEqual(total);
    expect(top.rows[0]).toEqual(total);
    expect(summary).toMatchObject({ minCell: 5, primary: 3 });
    expect(summary.complementary).toBeGreaterThanOrEqual(3);
    expect([...byRole.suppressed!.cells.get(byRole.rows[1]!)!].sort()).toEqual(['answered', 'median_hours', 'pct_within_24h', 'unanswered']);
  });

  it('shows a zero, and hides a complementary cell when a hidden count is the only unknown of a column', () => {
    const columns: Section['columns'] = [
      { name: 'role', kind: 'group' },
      { name: 'messages_sent', kind: 'count' },
    ];
    const total = { role: 'total', messages_sent: 23 };
    const section: Section = { name: 'volume.by_role', title: 'Volume', columns, rows: [{ role: 'a', messages_sent: 0 }, { role: 'b', messages_sent: 3 }, { role: 'c', messages_sent: 20 }], total };
    const out = suppressSections([section], 5).sections[0]!;
    // b (3) is hidden; 23 − 0 − 20 would give it back, so the smallest positive known cell, c's 20, goes too.
    expect(out.rows.map((r) => r.messages_sent)).toEqual([0, null, null]);
    expect(out.total!.messages_sent).toBe(23);
  });

  it('shows <N in tables, blank in CSV, and says so in JSON settings', () => {
    const dir = tempDir();
    write(dir, 'messages.csv', HAND_MADE);
    const tableOut = run(['latency', '--timezone', 'UTC', '--by', 'role', '--min-cell', '5', '--format', 'table', 'messages.csv'], dir).stdout;
    expect(tableOut).toMatch(/│ rn\s+│\s+<5 │/);
    const csv = run(['latency', '--timezone', 'UTC', '--by', 'role', '--min-cell', '5', '--format', 'csv', 'messages.csv'], dir).stdout;
    // Roles without a roster: physician (A), app (C), rn (B); rn has 1 index message.
    // rn: 1 index message, answered: both hidden with every figure from them; its zeros (unanswered, pending) show.
    expect(csv.split('\n').find((l) => l.startsWith('rn,'))).toBe('rn,,,0,,,,,,,,0,,,');
    const json = JSON.parse(run(['latency', '--timezone', 'UTC', '--min-cell', '5', '--format', 'json', 'messages.csv'], dir).stdout);
    expect(json.settings.min_cell).toBe(5);
    expect(json.settings.suppression).toMatchObject({ min_cell: 5 });
    expect(json.settings.suppression.rule).toMatch(/counts from 1 to 4/);
  });
});

describe('formula neutralisation', () => {
  it('neutralises a department named =HYPERLINK(…) in CSV and markdown, leaving numbers intact', () => {
    const dir = tempDir();
    const evil = HAND_MADE.replace(/,Clinic\n/g, ',"=HYPERLINK(""http://x"",""y"")"\n').replace(/,Clinic$/, '');
    write(dir, 'messages.csv', evil);
    const csv = run(['volume', '--timezone', 'UTC', '--by', 'department', '--format', 'csv', 'messages.csv'], dir).stdout;
    expect(csv.split('\n')[1]).toBe(`"'=HYPERLINK(""http://x"",""y"")",3,10,100.0,3.3333333333,3.0,8,4,7`);
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
