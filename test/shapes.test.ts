import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { GENERIC_SENDER, SHAPES, type Shape } from '../src/generate/shapes.js';
import { loadMessages } from '../src/input/load.js';
import { getPreset, type Field } from '../src/input/mapping.js';
import { readRoster } from '../src/input/roster.js';
import { inputSources } from '../src/input/source.js';
import { makeVocabularies } from '../src/input/vocabulary.js';
import { resolveClinicians } from '../src/model/clinicians.js';
import { Zone } from '../src/model/zone.js';
import { tempDir } from './support/fixtures.js';
import { messageSet } from './support/message-set.js';
import { SHAPE_FILES, writeShapeFixtures } from './support/shapes.js';

/**
 * SPEC 1.1: every shape real exports come in is read as the same messages.
 * For each shape, a generated export (test/support/shapes.ts) and the
 * canonical UTF-8 CSV of the same messages give the same validated message
 * set and the same figures in every section of `report`.
 */
const BIN = resolve('bin/msgwork');
const ZONE = 'America/New_York';
const dir = tempDir('msgwork-shapes-');
const EPIC = ['--preset', 'epic-clarity', '--system-senders', GENERIC_SENDER];
const extraArgs = (shape: Shape) => (shape === 'epic-ehi' ? EPIC : []);

beforeAll(async () => {
  await writeShapeFixtures(dir, SHAPES.filter((s) => s !== 'canonical'));
}, 60_000);

function run(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 1 << 26 });
}

async function validated(file: string, shape: Shape | 'twin') {
  const vocabularies = makeVocabularies({ sender_type: getPreset(shape === 'epic-ehi' ? 'epic-clarity' : 'canonical').senderTypes ?? {} });
  const { store, report } = await loadMessages({
    sources: inputSources([join(dir, file)]),
    preset: getPreset(shape === 'epic-ehi' ? 'epic-clarity' : 'canonical'),
    map: new Map<Field, string>(),
    zone: new Zone(ZONE),
    vocabularies,
    systemSenders: shape === 'epic-ehi' ? [GENERIC_SENDER] : [],
  });
  const roles = resolveClinicians(store, readRoster(join(dir, 'roster.csv'), vocabularies)).role;
  return { store, report, set: messageSet(store, roles, { careSetting: shape !== 'epic-ehi' }) };
}

/** Every section of `report --format json`, by role and by category and by month, without the settings. */
function figures(file: string, args: string[], by?: string): { sections: unknown; stderr: string } {
  const out = run(['report', '--timezone', ZONE, '--roster', join(dir, 'roster.csv'), '--format', 'json', ...(by ? ['--by', by] : []), ...args, join(dir, file)]);
  expect(out.status, out.stderr).toBe(0);
  return { sections: JSON.parse(out.stdout).sections, stderr: out.stderr };
}

describe('every export shape reads as the same messages as the canonical CSV (SPEC 1.1)', () => {
  for (const shape of SHAPES.filter((s) => s !== 'canonical')) {
    it(`${shape}: the same validated message set and the same figures`, async () => {
      const twin = await validated('twin.csv', 'twin');
      const other = await validated(SHAPE_FILES[shape], shape);
      expect(other.store.count).toBe(twin.store.count);
      expect(other.set).toEqual(messageSet(twin.store, resolveClinicians(twin.store, readRoster(join(dir, 'roster.csv'), makeVocabularies())).role, { careSetting: shape !== 'epic-ehi' }));
      expect(other.report.systemMessages).toBe(twin.report.systemMessages);
      expect(twin.report.systemMessages).toBeGreaterThan(10);
      for (const by of [undefined, 'month', 'clinician']) {
        expect(figures(SHAPE_FILES[shape], extraArgs(shape), by).sections, `${shape} --by ${by}`).toEqual(figures('twin.csv', [], by).sections);
      }
    });
  }

  it('windows-1252: read with a warning naming the encoding, and the letters right', async () => {
    const { stderr } = figures(SHAPE_FILES['windows-1252'], [], 'department');
    expect(stderr).toContain('excel-windows.csv: not valid UTF-8; read as Windows-1252');
    const { store } = await validated(SHAPE_FILES['windows-1252'], 'windows-1252');
    expect(store.departments).toContain('Cardiología – Clínica');
    // Forced encodings: --encoding latin1 keeps 0x96 as a C1 control, so the dash does not survive (what the warning is for).
    const latin = run(['validate', '--timezone', ZONE, '--encoding', 'latin1', '--format', 'json', join(dir, SHAPE_FILES['windows-1252'])]);
    expect(latin.status).toBe(0);
    expect(latin.stderr).not.toContain('Windows-1252');
  });

  it('epic-ehi: a literal quote in the free text does not swallow the thread root', async () => {
    const text = readFileSync(join(dir, SHAPE_FILES['epic-ehi']), 'utf8');
    expect(text).toContain('"as discussed" 5\'10"');
    expect(text).toMatch(/\t"Urgent" /);
    const { report } = await validated(SHAPE_FILES['epic-ehi'], 'epic-ehi');
    expect(report.rowsSkipped).toBe(0);
    // With quoting forced on, the same file loses rows: the reason TSV is read without quoting.
    const quoted = run(['validate', ...EPIC, '--quote', '"', '--timezone', ZONE, '--format', 'json', join(dir, SHAPE_FILES['epic-ehi'])]);
    expect(JSON.parse(quoted.stdout).settings.rows_skipped).toBeGreaterThan(0);
  });

  it('epic-ehi: without --system-senders, validate names the generic portal sender, and its reminders count as work', () => {
    const out = run(['validate', '--preset', 'epic-clarity', '--timezone', ZONE, '--roster', join(dir, 'roster.csv'), '--format', 'json', join(dir, SHAPE_FILES['epic-ehi'])]);
    expect(out.status, out.stderr).toBe(0);
    const section = JSON.parse(out.stdout).sections.automated_senders;
    expect(section.rows).toEqual([expect.objectContaining({ clinician_id: GENERIC_SENDER, replies_to_patients: 0, status: 'likely automated: counted' })]);
    expect(section.rows[0].messages_sent).toBeGreaterThanOrEqual(10);
    type Sections = Record<string, { rows: { messages_sent: number }[] }>;
    const withSystem = figures(SHAPE_FILES['epic-ehi'], EPIC).sections as Sections;
    const without = figures(SHAPE_FILES['epic-ehi'], ['--preset', 'epic-clarity']).sections as Sections;
    expect(without.volume!.rows[0]!.messages_sent - withSystem.volume!.rows[0]!.messages_sent).toBe(section.rows[0].messages_sent);
    // Declared: validate lists it as declared and excluded.
    const declared = run(['validate', ...EPIC, '--timezone', ZONE, '--format', 'json', join(dir, SHAPE_FILES['epic-ehi'])]);
    const rows = JSON.parse(declared.stdout).sections.automated_senders.rows;
    expect(rows).toEqual([expect.objectContaining({ clinician_id: GENERIC_SENDER, status: 'declared: excluded', messages_sent: section.rows[0].messages_sent })]);
  });
});
