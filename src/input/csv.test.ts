import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { random } from '../generate/synthetic.js';
import { CsvError, CsvReader, type CsvRecord } from './csv.js';

interface Parsed {
  records: string[][];
  lines: number[];
  malformed: (string | null)[];
}

const encoder = new TextEncoder();

/** Runs the reader over `text` as UTF-8 bytes split into chunks at the given byte positions. */
function read(text: string, cuts: number[] = [], delimiter = ','): Parsed {
  const bytes = encoder.encode(text);
  const reader = new CsvReader(delimiter, 1000);
  const out: Parsed = { records: [], lines: [], malformed: [] };
  const onRecord = (r: CsvRecord) => {
    out.records.push(r.malformed === 'unterminated quoted field' ? [] : r.texts());
    out.lines.push(r.line);
    out.malformed.push(r.malformed);
  };
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    reader.push(bytes.subarray(at, cut), onRecord);
    at = cut;
  }
  reader.push(bytes.subarray(at), onRecord);
  reader.end(onRecord);
  return out;
}

/** The reference: csv-parse with the dialect the reader implements. */
function reference(text: string, delimiter = ','): { records: string[][]; lines: number[] } {
  const rows = parse(text, { relax_column_count: true, skip_empty_lines: true, delimiter, info: true }) as { record: string[]; info: { lines: number } }[];
  // csv-parse's info.lines is the line a record ends on; the reader reports the line it starts on.
  return { records: rows.map((r) => r.record), lines: rows.map((r) => r.info.lines - countBreaks(r.record)) };
}

function countBreaks(fields: string[]): number {
  return fields.reduce((n, f) => n + (f.match(/\r\n|\n|\r/g)?.length ?? 0), 0);
}

const EDGE_CASES: Record<string, string> = {
  'plain LF': 'a,b,c\n1,2,3\n',
  'CRLF': 'a,b,c\r\n1,2,3\r\n',
  'no final newline': 'a,b\n1,2',
  'quoted comma': 'a,b\n"x,y",2\n',
  'escaped quotes': 'a,b\n"say ""hi""",2\n',
  'embedded LF': 'a,b\n"line1\nline2",2\n3,4\n',
  'embedded CRLF': 'a,b\r\n"line1\r\nline2",2\r\n3,4\r\n',
  'empty fields': 'a,b,c\n,,\n"",,""\n',
  'blank lines skipped': 'a,b\n\n1,2\n\n\n3,4\n',
  'ragged rows': 'a,b,c\n1,2\n1,2,3,4\n',
  'quoted empty then text': 'a\n""\nx\n',
  'only quotes field': 'a,b\n"""",2\n',
  'trailing delimiter': 'a,b\n1,\n',
  'unicode': 'name,note\n"Zoë","日本語, text"\n',
  'spaces kept': 'a,b\n 1 , 2 \n',
};

describe('CsvReader agrees with csv-parse', () => {
  for (const [name, text] of Object.entries(EDGE_CASES)) {
    it(`on ${name}, read whole and split at every position`, () => {
      const expected = reference(text);
      const whole = read(text);
      expect(whole.records).toEqual(expected.records);
      // csv-parse counts CR and LF of a CRLF inside a quoted field as two lines; editors show one.
      if (!text.includes('\r')) expect(whole.lines).toEqual(expected.lines);
      for (let cut = 0; cut <= encoder.encode(text).length; cut++) {
        expect(read(text, [cut]).records).toEqual(expected.records);
      }
    });
  }

  it('numbers lines as an editor does when a quoted field holds a CRLF', () => {
    // Line 1 header; the record on line 2 spans lines 2-3; "3,4" is on line 4.
    expect(read(EDGE_CASES['embedded CRLF']!).lines).toEqual([1, 2, 4]);
  });

  it('on tab-separated text', () => {
    const text = 'a\tb\n"x\ty"\t2\n';
    expect(read(text, [], '\t').records).toEqual(reference(text, '\t').records);
  });

  it('on 300 random RFC 4180 files split into random chunks', () => {
    const rand = random(20241122);
    const alphabet = ['a', 'b', 'Z', '1', ' ', ',', '"', '\n', '\r\n', 'é', '😀', '\t', "'"];
    const field = () => {
      let s = '';
      const length = Math.floor(rand() * 8);
      for (let i = 0; i < length; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
      return s;
    };
    const quote = (s: string) => (/[",\r\n]/.test(s) || s === '' || rand() < 0.2 ? `"${s.replace(/"/g, '""')}"` : s);
    for (let file = 0; file < 300; file++) {
      const eol = rand() < 0.5 ? '\n' : '\r\n';
      const columns = 1 + Math.floor(rand() * 5);
      const rows: string[] = [];
      const count = Math.floor(rand() * 12);
      for (let r = 0; r < count; r++) {
        const fields: string[] = [];
        for (let c = 0; c < columns; c++) fields.push(quote(field()));
        rows.push(fields.join(','));
      }
      const text = rows.join(eol) + (rand() < 0.7 ? eol : '');
      const cuts = Array.from({ length: Math.floor(rand() * 4) }, () => Math.floor(rand() * (encoder.encode(text).length + 1)));
      const expected = reference(text);
      const got = read(text, cuts);
      expect(got.records, JSON.stringify(text)).toEqual(expected.records);
      if (!text.includes('\r')) expect(got.lines, JSON.stringify(text)).toEqual(expected.lines);
    }
  });
});

describe('CsvReader beyond RFC 4180', () => {
  it('keeps a quote inside an unquoted field as text', () => {
    expect(read('a,b\n5\'10",x\n').records).toEqual([['a', 'b'], ['5\'10"', 'x']]);
  });

  it('marks text after a closing quote as malformed and goes on', () => {
    const got = read('a,b\n"ab"c,1\n2,3\n');
    expect(got.malformed).toEqual([null, 'text after a closing quote', null]);
    expect(got.records[2]).toEqual(['2', '3']);
  });

  it('reports an unterminated quote on the last line as one malformed record', () => {
    const got = read('a,b\n1,2\n"open,3\n');
    expect(got.malformed.at(-1)).toBe('unterminated quoted field');
    expect(got.lines.at(-1)).toBe(3);
  });

  it('refuses an unterminated quote that swallows the lines after it, naming its line', () => {
    expect(() => read('a,b\n1,2\n"open,3\n4,5\n6,7\n')).toThrow(CsvError);
    expect(() => read('a,b\n1,2\n"open,3\n4,5\n6,7\n')).toThrow(/never closed .* the 3 lines from here/);
  });

  it('treats a lone CR as a line end', () => {
    expect(read('a,b\r1,2\r3,4').records).toEqual([['a', 'b'], ['1', '2'], ['3', '4']]);
  });

  it('refuses a field over the bound with the line it started on', () => {
    const bytes = encoder.encode(`a,b\n1,2\n"${'x'.repeat(2000)}`);
    const reader = new CsvReader(',', 1000);
    let error: unknown;
    try {
      for (let i = 0; i < bytes.length; i += 100) reader.push(bytes.subarray(i, i + 100), () => {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CsvError);
    expect((error as CsvError).line).toBe(3);
  });

  it('drops a UTF-8 BOM, even when it arrives a byte at a time', () => {
    const bytes = encoder.encode('\uFEFFa,b\n1,2\n');
    const reader = new CsvReader(',');
    const seen: string[][] = [];
    for (let i = 0; i < bytes.length; i++) reader.push(bytes.subarray(i, i + 1), (r) => seen.push(r.texts()));
    reader.end((r) => seen.push(r.texts()));
    expect(seen).toEqual([['a', 'b'], ['1', '2']]);
  });

  it('reports fields as byte ranges, quoted ones inside their quotes', () => {
    const reader = new CsvReader(',');
    const seen: [number, number, number][][] = [];
    reader.push(encoder.encode('secret,"ke""ep",é\n'), (r) => seen.push(Array.from({ length: r.count }, (_, i) => [r.start[i]!, r.end[i]!, r.escaped[i]!])));
    reader.end(() => {});
    expect(seen).toEqual([[[0, 6, 0], [8, 14, 1], [16, 18, 0]]]);
  });

  it('pushAhead gives push’s records and lines, shows every byte once in pieces cut after a line feed, and reads a chunk that reaches stopAt whole', () => {
    const rand = random(20261124);
    const field = () => (rand() < 0.1 ? `"line\nbreak, ""quoted"" ${Math.floor(rand() * 1e6)}"` : `M${Math.floor(rand() * 1e7)}`);
    const rows = Array.from({ length: 6000 }, () => [field(), field(), 'x'.repeat(Math.floor(rand() * 90))].join(','));
    const bytes = encoder.encode('id,a,b\r\n' + rows.join(rand() < 0.5 ? '\r\n' : '\n') + '\n');
    expect(bytes.length).toBeGreaterThan(3 * 65536);
    const run = (ahead: boolean, stopAt = Infinity) => {
      const reader = new CsvReader(',');
      reader.stopAt = stopAt;
      const records: string[][] = [], lines: number[] = [], pieces: Uint8Array[] = [], cutInside: Uint8Array[] = [];
      const onRecord = (r: CsvRecord) => {
        records.push(r.texts());
        lines.push(r.line);
      };
      for (let at = 0; at < bytes.length; at += 200_000) {
        const chunk = bytes.subarray(at, at + 200_000);
        const mine: Uint8Array[] = [];
        if (ahead) reader.pushAhead(chunk, onRecord, (piece, delimiter) => {
          expect(delimiter).toBe(44);
          mine.push(piece.slice());
        });
        else reader.push(chunk, onRecord);
        pieces.push(...mine);
        cutInside.push(...mine.slice(0, -1));
        if (reader.stoppedAt >= 0) reader.resume(onRecord);
      }
      reader.end(onRecord);
      return { records, lines, pieces, cutInside };
    };
    const plain = run(false), ahead = run(true);
    expect(ahead.records).toEqual(plain.records);
    expect(ahead.lines).toEqual(plain.lines);
    expect(Buffer.concat(ahead.pieces).equals(Buffer.from(bytes))).toBe(true);
    expect(ahead.pieces.length).toBeGreaterThan(8);
    expect(ahead.cutInside.length).toBeGreaterThan(4);
    for (const piece of ahead.cutInside) {
      expect(piece.length).toBeLessThanOrEqual(65536 + 1);
      expect(piece.at(-1)).toBe(10);
    }
    // Stopping inside the second chunk: that chunk is read whole (not shown), the others in pieces; the records are push's.
    const stopped = run(true, 250_000);
    expect(stopped.records).toEqual(plain.records);
    expect(Buffer.concat(stopped.pieces).length).toBe(bytes.length - 200_000);
  });
});
