import { isAscii, isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { InputError } from '../errors.js';

/**
 * Text encodings of SPEC 1.1. iconv-lite does the decoding: Node 20's
 * `TextDecoder('windows-1252')` decodes 0x80–0x9F as Latin-1 control
 * characters (nodejs/node#60888), where Windows-1252 has € ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž
 * and curly quotes; `encoding.test.ts` checks the table.
 */
export const ENCODINGS = ['utf-8', 'windows-1252', 'latin1', 'utf-16le', 'utf-16be'] as const;
export type Encoding = (typeof ENCODINGS)[number];

/** Parses `--encoding` (a few common spellings accepted). */
export function parseEncoding(text: string): Encoding | undefined {
  const key = text.trim().toLowerCase().replace(/[_\s]/g, '-');
  const aliases: Record<string, Encoding> = {
    'utf-8': 'utf-8',
    utf8: 'utf-8',
    'windows-1252': 'windows-1252',
    cp1252: 'windows-1252',
    win1252: 'windows-1252',
    ansi: 'windows-1252',
    latin1: 'latin1',
    'latin-1': 'latin1',
    'iso-8859-1': 'latin1',
    'utf-16le': 'utf-16le',
    'utf-16': 'utf-16le',
    utf16le: 'utf-16le',
    'utf-16be': 'utf-16be',
    utf16be: 'utf-16be',
  };
  return aliases[key];
}

/** Length of the prefix of `b` (from `from`) that does not end inside a UTF-8 sequence. */
function completePrefix(b: Uint8Array, from: number): number {
  let i = b.length - 1;
  let continuation = 0;
  while (i >= from && continuation < 3 && (b[i]! & 0xc0) === 0x80) {
    i--;
    continuation++;
  }
  if (i < from) return b.length;
  const lead = b[i]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return b.length - i < need ? i : b.length;
}

function sequenceLength(lead: number): number {
  return lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
}

/**
 * Streaming text decoding to UTF-8 bytes. The encoding is the one forced,
 * else found from a byte-order mark, else UTF-8 as long as the bytes are
 * valid UTF-8. A file whose bytes stop being valid UTF-8 while everything
 * before was plain ASCII is read as Windows-1252 from the start (ASCII is
 * the same in both, so nothing read so far changes), with a warning; one
 * that mixes valid UTF-8 letters with invalid bytes is refused, naming the
 * byte offset and the option to choose.
 */
export class TextDecoding {
  encoding: Encoding = 'utf-8';
  warning: string | undefined;
  private decoder: { write(b: Buffer): string; end(): string | undefined } | null = null;
  private readonly forced: boolean;
  private carry: Uint8Array = new Uint8Array(0);
  private offset = 0;
  private nonAscii = false;

  constructor(
    private readonly name: string,
    forced: Encoding | undefined,
  ) {
    this.forced = forced !== undefined;
    if (forced !== undefined) this.encoding = forced;
  }

  /** Looks at the first chunk (byte-order marks). */
  start(first: Uint8Array): void {
    if (!this.forced) {
      if (first[0] === 0xff && first[1] === 0xfe) this.encoding = 'utf-16le';
      else if (first[0] === 0xfe && first[1] === 0xff) this.encoding = 'utf-16be';
    }
    if (this.encoding !== 'utf-8') this.decoder = iconv.getDecoder(this.encoding);
  }

  push(chunk: Buffer): Uint8Array {
    if (this.decoder !== null) return Buffer.from(this.decoder.write(chunk), 'utf8');
    if (this.forced) return chunk;
    const at = this.offset;
    this.offset += chunk.length;
    if (this.valid(chunk)) return chunk;
    if (this.nonAscii) {
      throw new InputError(
        `${this.name}: not valid UTF-8 near byte ${at}, after valid UTF-8 text: the file mixes encodings.` +
          ' Give --encoding utf-8 (invalid bytes become \uFFFD) or --encoding windows-1252',
      );
    }
    this.encoding = 'windows-1252';
    this.warning = `${this.name}: not valid UTF-8; read as Windows-1252 (what Excel on Windows saves). If letters look wrong, give --encoding`;
    const decoder = iconv.getDecoder('windows-1252');
    this.decoder = decoder;
    return Buffer.from(decoder.write(chunk), 'utf8');
  }

  end(): Uint8Array {
    if (this.decoder !== null) return Buffer.from(this.decoder.end() ?? '', 'utf8');
    // A sequence cut at the very end was passed on with its chunk: the reader shows U+FFFD.
    return new Uint8Array(0);
  }

  /** Whether `chunk` continues valid UTF-8 (keeping a sequence cut at its end for the next chunk). */
  private valid(chunk: Buffer): boolean {
    let from = 0;
    if (this.carry.length > 0) {
      const need = sequenceLength(this.carry[0]!) - this.carry.length;
      const joined = Buffer.concat([this.carry, chunk.subarray(0, need)]);
      if (!isUtf8(joined)) return false;
      from = need;
      this.carry = new Uint8Array(0);
    }
    const body = chunk.subarray(from);
    if (isAscii(body)) return true;
    const end = completePrefix(body, 0);
    if (!isUtf8(body.subarray(0, end))) return false;
    this.nonAscii = true;
    this.carry = body.slice(end);
    // The carried bytes are held back from this chunk's validity, not from its text:
    // the CSV reader keeps them as the start of the next field.
    return true;
  }
}
