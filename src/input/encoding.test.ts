import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { firstInvalidUtf8, TextDecoding } from './encoding.js';
import { sniffDelimiter } from './records.js';

/** Runs chunks through a decoding and returns the UTF-8 text and the decoding. */
function decode(chunks: Uint8Array[], forced?: 'windows-1252' | 'latin1'): { text: string; decoding: TextDecoding } {
  const decoding = new TextDecoding('in.csv', forced);
  decoding.start(chunks[0]!);
  const parts = chunks.map((c) => decoding.push(Buffer.from(c)));
  parts.push(decoding.end());
  return { text: Buffer.concat(parts).toString('utf8'), decoding };
}

describe('text decoding (SPEC 1.1 encodings)', () => {
  it('decodes Windows-1252 0x80–0x9F as Windows does (€ “ ” – …), not as Latin-1 controls', () => {
    // nodejs/node#60888: Node 20's TextDecoder('windows-1252') gives U+0080… here.
    const { text } = decode([Uint8Array.from([0x80, 0x20, 0x93, 0x71, 0x94, 0x20, 0x96, 0x20, 0x85, 0x20, 0xed])], 'windows-1252');
    expect(text).toBe('€ “q” – … í');
  });

  it('keeps UTF-8 as it is, also when a letter is cut between chunks', () => {
    const bytes = Buffer.from('id,dept\n1,Cardiología\n', 'utf8');
    const cut = bytes.indexOf(0xc3) + 1; // between the two bytes of í
    const { text, decoding } = decode([bytes.subarray(0, cut), bytes.subarray(cut)]);
    expect(text).toBe('id,dept\n1,Cardiología\n');
    expect(decoding.encoding).toBe('utf-8');
    expect(decoding.warning).toBeUndefined();
  });

  it('reads text that stops being UTF-8 after plain ASCII as Windows-1252, with a warning', () => {
    const ascii = Buffer.from('id,dept\n1,Cardiology\n');
    const latin = iconv.encode('2,Cardiología – Clínica\n', 'windows-1252');
    const { text, decoding } = decode([ascii, latin]);
    expect(text).toBe('id,dept\n1,Cardiology\n2,Cardiología – Clínica\n');
    expect(decoding.encoding).toBe('windows-1252');
    expect(decoding.warning).toMatch(/in.csv: not valid UTF-8; read as Windows-1252/);
  });

  it('refuses a file that mixes UTF-8 letters with bytes that are not UTF-8, naming the offset and the option', () => {
    const utf8 = Buffer.from('1,Cardiología\n', 'utf8');
    const latin = iconv.encode('2,Clínica\n', 'windows-1252');
    expect(() => decode([utf8, latin])).toThrow(InputError);
    expect(() => decode([utf8, latin])).toThrow(/near byte 19, after valid UTF-8 text: the file mixes encodings\. Give --encoding/);
  });

  it('finds UTF-16 by its byte-order mark (little and big endian)', () => {
    for (const [bom, encoding] of [[[0xff, 0xfe], 'utf-16le'], [[0xfe, 0xff], 'utf-16be']] as const) {
      const body = encoding === 'utf-16le' ? Buffer.from('a\tb\nCardiología\t1\n', 'utf16le') : Buffer.from('a\tb\nCardiología\t1\n', 'utf16le').swap16();
      const bytes = Buffer.concat([Buffer.from(bom), body]);
      const { text, decoding } = decode([bytes.subarray(0, 7), bytes.subarray(7)]);
      expect(text).toBe('a\tb\nCardiología\t1\n');
      expect(decoding.encoding).toBe(encoding);
    }
  });
});

describe('firstInvalidUtf8', () => {
  it('agrees with the platform validator: the prefix before it is UTF-8, and one more byte is not', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.string({ maxLength: 10 }), (noise, text) => {
        const b = Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from(noise)]);
        const at = firstInvalidUtf8(b);
        expect(isUtf8(b.subarray(0, at))).toBe(true);
        if (at < b.length) expect(isUtf8(b)).toBe(false);
        else expect(isUtf8(b)).toBe(true);
        expect(at).toBeGreaterThanOrEqual(Buffer.from(text, 'utf8').length - 0);
      }),
      { seed: 7, numRuns: 2000 },
    );
  });
});

describe('delimiter sniffing', () => {
  const sniff = (header: string) => sniffDelimiter(Buffer.from(header));
  it('takes the most frequent of , tab ; | in the header, outside quotes', () => {
    expect(sniff('a,b,c\n1;2;3;4;5\n')).toBe(',');
    expect(sniff('a\tb\tc\n')).toBe('\t');
    expect(sniff('a;b;"c,d,e,f";g\n')).toBe(';');
    expect(sniff('a|b|c\n')).toBe('|');
    expect(sniff('single\n')).toBe(',');
    // A tie keeps the order , tab ; |.
    expect(sniff('a,b;c\n')).toBe(',');
  });
});

describe('TextDecoding and CsvReader with one buffer read into again and again (the load worker)', () => {
  it('copy what they keep of a chunk: a letter or a record cut at its end survives the next read', async () => {
    const { CsvReader } = await import('./csv.js');
    const bytes = Buffer.from('id,text\n1,Grüße Łódź\n2,"a ""quoted"" Ärztin"\n3,✓ done\n', 'utf8');
    for (let size = 1; size <= 12; size++) {
      const buffer = Buffer.alloc(size);
      const decoding = new TextDecoding('in.csv', undefined);
      decoding.start(bytes);
      const reader = new CsvReader(',');
      const records: string[][] = [];
      for (let at = 0; at < bytes.length; at += size) {
        const n = bytes.copy(buffer, 0, at, at + size);
        reader.push(decoding.push(buffer.subarray(0, n)), (r) => records.push(r.texts()));
        buffer.fill(0x58); // the next read overwrites the chunk
      }
      reader.push(decoding.end(), (r) => records.push(r.texts()));
      reader.end((r) => records.push(r.texts()));
      expect(records, `chunks of ${size} bytes`).toEqual([['id', 'text'], ['1', 'Grüße Łódź'], ['2', 'a "quoted" Ärztin'], ['3', '✓ done']]);
    }
  });
});
