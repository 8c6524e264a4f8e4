import { gzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { shuffle, smallExport, table, tempDir, toCsv, write } from '../../test/support/fixtures.js';
import { messageSet } from '../../test/support/message-set.js';
import { InputError } from '../errors.js';
import { resolveClinicians } from '../model/clinicians.js';
import { ByteDictionary } from '../model/dictionary.js';
import { Zone } from '../model/zone.js';
import { loadMessages, type LoadOptions } from './load.js';
import { getPreset, type Field } from './mapping.js';
import { readRoster } from './roster.js';
import { inputSources } from './source.js';
import { makeVocabularies } from './vocabulary.js';

const zone = new Zone('America/New_York');

function options(files: string[], extra: Partial<LoadOptions> = {}): LoadOptions {
  return { sources: inputSources(files), preset: getPreset('canonical'), map: new Map<Field, string>(), zone, vocabularies: makeVocabularies(), ...extra };
}

async function load(files: string[], extra: Partial<LoadOptions> = {}, rosterFile?: string) {
  const opts = options(files, extra);
  const { store, report } = await loadMessages(opts);
  const roster = rosterFile ? readRoster(rosterFile, opts.vocabularies) : undefined;
  return { store, report, set: messageSet(store, resolveClinicians(store, roster).role) };
}

describe('the same messages give the same validated set', async () => {
  const dir = tempDir();
  const { csv, roster } = smallExport(80, 5);
  const original = write(dir, 'messages.csv', csv);
  const rosterFile = write(dir, 'roster.csv', roster);
  const { header, rows } = table(csv);
  const baseline = await load([original], {}, rosterFile);

  it('the baseline has every kind of message', () => {
    expect(baseline.store.count).toBeGreaterThan(200);
    expect(baseline.report.systemMessages).toBeGreaterThan(0);
    expect(baseline.report.rowsSkipped).toBe(0);
  });

  it('when the rows are shuffled', async () => {
    const file = write(dir, 'shuffled.csv', toCsv(header, shuffle(rows, 1)));
    expect((await load([file], {}, rosterFile)).set).toEqual(baseline.set);
  });

  it('with CRLF, a BOM, every field quoted and a free-text column full of commas, quotes and newlines', async () => {
    const text = (i: number) => `Dear Dr. "Smith",\r\nmy refill, again\n— note ${i}, "quoted" ""twice""`;
    const noisy = '\uFEFF' + toCsv(['body', ...header], rows.map((r, i) => [text(i), ...r]), { eol: '\r\n', quoteAll: true });
    const file = write(dir, 'noisy.csv', noisy);
    const got = await load([file], {}, rosterFile);
    expect(got.set).toEqual(baseline.set);
    expect(got.report.rowsSkipped).toBe(0);
  });

  it('gzipped', async () => {
    const file = write(dir, 'messages.csv.gz', gzipSync(csv));
    expect((await load([file], {}, rosterFile)).set).toEqual(baseline.set);
  });

  it('split over two files (threads crossing the split)', async () => {
    const a = write(dir, 'part1.csv', toCsv(header, rows.slice(0, 101)));
    const b = write(dir, 'part2.csv', toCsv(header, rows.slice(101)));
    const got = await load([a, b], {}, rosterFile);
    expect(got.set).toEqual(baseline.set);
    expect(got.report.inputs.map((i) => i.rows)).toEqual([101, rows.length - 101]);
  });

  it('as TSV', async () => {
    const tsv = [header, ...rows].map((r) => r.join('\t')).join('\n') + '\n';
    const file = write(dir, 'messages.tsv', tsv);
    expect((await load([file], {}, rosterFile)).set).toEqual(baseline.set);
  });

  it('as an Epic Clarity MYC_MESG export with US times, read with --preset epic-clarity and the roster', async () => {
    const col = Object.fromEntries(header.map((h, i) => [h, i])) as Record<string, number>;
    const epicType: Record<string, string> = {
      prescription: 'Medication Renewal Request', medical_question: 'Patient Medical Advice Request', scheduling: 'Appointment Request',
      test_results: 'Test Results Question', referral: 'Referral Request', visit_followup: 'Visit Follow-Up Question',
    };
    const usTime = (iso: string) => {
      const [date, time] = iso.split(' ');
      const [y, mo, d] = date!.split('-').map(Number);
      const [h, mi, s] = time!.split(':');
      const hour = Number(h);
      return `${mo}/${d}/${y} ${hour % 12 === 0 ? 12 : hour % 12}:${mi}:${s} ${hour < 12 ? 'AM' : 'PM'}`;
    };
    // The thread root is the thread's first message in file order; its PARENT_MESSAGE_ID is empty.
    const root = new Map<string, string>();
    const epicRows = rows
      .filter((r) => r[col.sender_type!] !== 'system')
      .map((r) => {
        const thread = r[col.thread_id!]!;
        if (!root.has(thread)) root.set(thread, r[col.message_id!]!);
        const parent = root.get(thread) === r[col.message_id!] ? '' : root.get(thread)!;
        const category = r[col.category!]!;
        return [
          r[col.message_id!]!, usTime(r[col.sent_at!]!), parent, r[col.sender_type!] === 'clinician' ? '1' : '2',
          r[col.sender_id!]!, r[col.recipient_id!]!, r[col.patient_id!]!, r[col.department!]!,
          epicType[category] ?? category, 'free text, "never read"',
        ];
      });
    const epicHeader = ['MESSAGE_ID', 'CREATED_TIME', 'PARENT_MESSAGE_ID', 'TOFROM_PAT_C', 'FROM_USER_ID', 'TO_USER_ID', 'PAT_ID', 'DEPARTMENT_ID', 'MSG_TYPE_NAME', 'MSG_TXT'];
    const file = write(dir, 'MYC_MESG.csv', toCsv(epicHeader, shuffle(epicRows, 2)));
    const vocabularies = makeVocabularies({ sender_type: getPreset('epic-clarity').senderTypes! });
    const got = await load([file], { preset: getPreset('epic-clarity'), vocabularies }, rosterFile);
    // Epic has no care_setting column: compare without it.
    const dropCareSetting = (set: string[]) => set.map((s) => s.split('|').filter((_, i) => i !== 9).join('|'));
    expect(dropCareSetting(got.set)).toEqual(dropCareSetting(baseline.set));
  });
});

describe('validation of rows (SPEC 3.1)', () => {
  const header = 'message_id,thread_id,sent_at,sender_type,sender_id,patient_id,sender_role';
  it('skips and counts unusable rows, naming file, line and field, and uses the good ones', async () => {
    const dir = tempDir();
    const file = write(
      dir,
      'bad.csv',
      [
        header,
        'm1,t1,2024-03-04 09:00,patient,,p1,',
        'm2,t1,2024-13-45 10:00,clinician,c1,p1,MD', // bad timestamp
        'm3,t1,2024-03-04 10:00,robot,c1,p1,MD', // unknown sender type
        'm4,t1,2024-03-04 10:00,clinician,c1', // wrong field count
        'm5,t1,2024-03-04 10:00,clinician,,p1,MD', // missing sender_id
        'm1,t1,2024-03-04 11:00,clinician,c1,p1,MD', // duplicate id
        'm6,t1,2024-03-04 11:30,clinician,c1,,MD', // missing patient_id
        'm7,t1,2024-03-04 12:00,clinician,c1,p1,MD',
        'm8,t1,2024-03-04 12:00,system,,p1,',
      ].join('\n'),
    );
    const { store, report } = await loadMessages(options([file]));
    expect(store.count).toBe(2);
    expect(report.rowsRead).toBe(9);
    expect(report.rowsUsed).toBe(2);
    expect(report.rowsSkipped).toBe(6);
    expect(report.systemMessages).toBe(1);
    expect(Object.fromEntries(report.skipped)).toEqual({
      'bad timestamp': 1, 'unknown sender_type': 1, 'wrong field count': 1, 'missing sender_id': 1, 'duplicate message_id': 1, 'missing patient_id': 1,
    });
    expect(report.errors).toEqual([
      `${file}:3: sent_at: bad timestamp (2024-13-45 10:00): no such date or time (month 1–12, a day the month has, hour 0–23 or 1–12 with AM/PM, minute and second 0–59, offset up to ±23:59)`,
      `${file}:4: sender_type: unknown sender type (robot); expected patient, clinician or system`,
      `${file}:5: row: wrong field count (5 fields, header has 7)`,
      `${file}:6: sender_id: missing`,
      `${file}:7: message_id: duplicate (the first row with this id is kept)`,
      `${file}:8: patient_id: missing`,
    ]);
  });

  it('leaves out messages sent after --as-of, as if the export had been taken then', async () => {
    const dir = tempDir();
    // 2024-03-05T03:30Z is 22:30 EST on 4 March; the as-of time is 23:00 EST on 4 March.
    const file = write(dir, 'asof.csv', [header, 'a,t,2024-03-05T03:30:00Z,patient,,p,', 'b,t,2024-03-05 08:00,clinician,c,p,RN'].join('\n'));
    const { store, report } = await loadMessages(options([file], { asOf: Date.UTC(2024, 2, 5, 4, 0) }));
    expect(store.count).toBe(1);
    expect(store.messageIds.value(store.messageKey[0]!)).toBe('a');
    expect(store.localMinute[0]).toBe(22 * 60 + 30);
    expect(report.afterAsOf).toBe(1);
  });

  it('puts offset times on the right local hour and date', async () => {
    const dir = tempDir();
    const file = write(dir, 'offsets.csv', [header, 'a,t,2024-07-01T02:30:00Z,patient,,p,', 'b,t,2024-07-01T09:15:00+02:00,clinician,c,p,RN'].join('\n'));
    const { store } = await loadMessages(options([file]));
    // 02:30Z = 22:30 EDT on 30 June; 09:15+02:00 = 07:15Z = 03:15 EDT on 1 July.
    expect([store.localDay[0], store.localMinute[0]]).toEqual([Math.floor(Date.UTC(2024, 5, 30) / 86_400_000), 22 * 60 + 30]);
    expect([store.localDay[1], store.localMinute[1]]).toEqual([Math.floor(Date.UTC(2024, 6, 1) / 86_400_000), 3 * 60 + 15]);
  });

  it('builds threads from parent_message_id chains', async () => {
    const dir = tempDir();
    const file = write(dir, 'parents.csv', ['message_id,parent_message_id,sent_at,sender_type,sender_id,patient_id', 'c,b,2024-03-04 11:00,patient,,p', 'a,,2024-03-04 09:00,patient,,p', 'b,a,2024-03-04 10:00,clinician,x,p', 'd,,2024-03-04 12:00,patient,,p', 'e,zz,2024-03-04 13:00,patient,,p', 'f,zz,2024-03-04 14:00,clinician,x,p'].join('\n'));
    const { store } = await loadMessages(options([file]));
    const thread = (id: string) => store.thread[[...store.messageKey].findIndex((k) => store.messageIds.value(k) === id)];
    expect(thread('a')).toBe(thread('b'));
    expect(thread('a')).toBe(thread('c'));
    expect(thread('d')).not.toBe(thread('a'));
    expect(thread('e')).toBe(thread('f'));
    expect(store.threadCount).toBe(3);
  });

  it('numbers threads 0, 1, 2, … in order of their first kept message, whatever ids only system messages had', async () => {
    const dir = tempDir();
    // tS is seen first, on a system message only; t2 then t1 (a thread id may come back after another).
    const rows = [`${header},category`, 's1,tS,2024-03-04 08:00,system,,p,,', 'a,t2,2024-03-04 09:00,patient,,p,,', 'b,t1,2024-03-04 09:30,patient,,q,,', 'c,t2,2024-03-04 10:00,clinician,x,p,RN,', 'd,tS,2024-03-04 11:00,patient,,p,,system message'];
    const { store } = await loadMessages(options([write(dir, 'numbers.csv', rows.join('\n'))]));
    expect(Array.from(store.thread)).toEqual([0, 1, 0]);
    expect(store.threadCount).toBe(2);
    // Every thread id on a kept row, in order: the numbers are the ids' own.
    const kept = await loadMessages(options([write(dir, 'kept.csv', [header, 'a,t2,2024-03-04 09:00,patient,,p,', 'b,t1,2024-03-04 09:30,patient,,q,', 'c,t2,2024-03-04 10:00,clinician,x,p,RN', 'd,tS,2024-03-04 11:00,patient,,p,'].join('\n'))]));
    expect(Array.from(kept.store.thread)).toEqual([0, 1, 0, 2]);
    expect(kept.store.threadCount).toBe(3);
  });

  it('refuses an input with no usable rows', async () => {
    const dir = tempDir();
    const file = write(dir, 'none.csv', `${header}\nm1,t1,never,patient,,p1,\n`);
    await expect(loadMessages(options([file]))).rejects.toThrow(InputError);
    await expect(loadMessages(options([file]))).rejects.toThrow(/no usable rows in .*: all 1 rows were skipped \(bad timestamp: 1\)/);
  });

  it('refuses a free-text column mapped as a label: over 5,000 distinct values, or line breaks (SPEC 3.1)', async () => {
    const dir = tempDir();
    const rows = ['message_id,thread_id,sent_at,sender_type,sender_id,patient_id,category'];
    for (let i = 0; i <= 5000; i++) rows.push(`m${i},t${i},2024-03-04 10:00,patient,,p${i},note number ${i}`);
    const many = write(dir, 'many.csv', rows.join('\n'));
    await expect(loadMessages(options([many]))).rejects.toThrow(/many\.csv: category: the mapped column has more than 5,000 distinct values: it holds free text/);
    const broken = write(dir, 'broken.csv', 'message_id,thread_id,sent_at,sender_type,sender_id,patient_id,category\nm1,t1,2024-03-04 10:00,patient,,p1,"Dear doctor,\nplease call"\n');
    await expect(loadMessages(options([broken]))).rejects.toThrow(/broken\.csv: category: the mapped column has values with line breaks/);
  });
});

describe('the look-ahead over message ids (issue 16)', () => {
  it('warms the slots of each line’s message id, wherever its column, quoted or not, and the store is the same without it', async () => {
    const { csv } = smallExport(300, 9);
    const { header, rows: inOrder } = table(csv);
    // Ids out of order: ids in order are appended without a hash table, and there is nothing to warm.
    const rows = shuffle(inOrder, 9);
    // message_id third, some ids quoted, CRLF line ends.
    const at = header.indexOf('message_id');
    const order = [1, 2, at, ...header.keys()].filter((c, i, all) => all.indexOf(c) === i);
    const moved = toCsv(order.map((c) => header[c]!), rows.map((r) => order.map((c) => r[c]!)), { eol: '\r\n', quoteAll: true });
    const file = write(tempDir(), 'moved.csv', moved);
    const warmed: string[] = [];
    const warm = vi.spyOn(ByteDictionary.prototype, 'warm').mockImplementation(function (bytes, starts, ends, count) {
      for (let k = 0; k < count; k++) warmed.push(new TextDecoder().decode(bytes.subarray(starts[k]!, ends[k]!)));
    });
    const withAhead = await load([file]);
    warm.mockRestore();
    // Every id warmed is a message id; the ids not warmed are those of the first piece, read with the header (the column is not known before).
    const ids = new Set(rows.map((r) => r[at]!));
    expect(warmed.every((id) => ids.has(id))).toBe(true);
    const cold = [...ids].filter((id) => !warmed.includes(id));
    expect(cold.length).toBeLessThan(ids.size / 2);
    expect(cold.every((id) => moved.indexOf(`"${id}"`) < 65536)).toBe(true);
    const pushAhead = vi.spyOn((await import('./csv.js')).CsvReader.prototype, 'pushAhead').mockImplementation(function (this: import('./csv.js').CsvReader, chunk, onRecord) {
      this.push(chunk, onRecord);
    });
    const without = await load([file]);
    pushAhead.mockRestore();
    expect(withAhead.set).toEqual(without.set);
    expect(withAhead.set).toEqual((await load([write(tempDir(), 'plain.csv', csv)])).set);
  });
});
