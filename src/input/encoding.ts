import { isAscii, isUtf8 } from 'node:buffer';
import { createRequire } from 'node:module';
import { InputError } from '../errors.js';

type Decoder = { write(b: Buffer): string; end(): string | undefined };
/** iconv-lite, loaded on first need: UTF-8 input, the common case, never pays for its tables at start-up. */
let iconvModule: { getDecoder(encoding: string): Decoder } | undefined;
function iconv(): { getDecoder(encoding: string): Decoder } {
  iconvModule ??= createRequire(import.meta.url)('iconv-lite') as { getDecoder(encoding: string): Decoder };
  return iconvModule;
}

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
  return Object.hasOwn(aliases, key) ? aliases[key] : undefined;
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

/**
 * Offset of the first byte where `b` stops being UTF-8 (a cut sequence at
 * the end counts), or its length. Used once, when a chunk fails `isUtf8`.
 */
export function firstInvalidUtf8(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const need = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (need === 0 || i + 1 >= n) return i;
    const b1 = b[i + 1]!;
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
    if ((c === 0xe0 && b1 < 0xa0) || (c === 0xed && b1 > 0x9f) || (c === 0xf0 && b1 < 0x90) || (c === 0xf4 && b1 > 0x8f)) return i;
    for (let k = 1; k <= need; k++) if (i + k >= n || (b[i + k]! & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return n;
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
  private decoder: Decoder | null = null;
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
    if (this.encoding !== 'utf-8') this.decoder = iconv().getDecoder(this.encoding);
  }

  push(chunk: Buffer): Uint8Array {
    if (this.decoder !== null) return Buffer.from(this.decoder.write(chunk), 'utf8');
    if (this.forced) return chunk;
    // A sequence cut at the end of the last chunk was held back: it leads this one.
    const data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const at = this.offset - this.carry.length;
    this.offset += chunk.length;
    this.carry = new Uint8Array(0);
    if (isAscii(data)) return data;
    const end = completePrefix(data, 0);
    const body = data.subarray(0, end);
    if (isUtf8(body)) {
      if (!this.nonAscii && !isAscii(body)) this.nonAscii = true;
      // A copy (Buffer's slice is a view): the chunk's memory may be read into again (load-worker.ts).
      this.carry = Uint8Array.prototype.slice.call(data, end);
      return body;
    }
    // Windows-1252 only if nothing before the first invalid byte was a UTF-8 letter.
    const first = firstInvalidUtf8(data);
    if (this.nonAscii || !isAscii(data.subarray(0, first))) throw this.mixed(at + first);
    return this.switchToWindows1252(data);
  }

  private mixed(at: number): InputError {
    return new InputError(
      `${this.name}: not valid UTF-8 near byte ${at}, after valid UTF-8 text: the file mixes encodings.` +
        ' Give --encoding utf-8 (invalid bytes become \uFFFD) or --encoding windows-1252',
    );
  }

  end(): Uint8Array {
    if (this.decoder !== null) return Buffer.from(this.decoder.end() ?? '', 'utf8');
    const rest = this.carry;
    this.carry = new Uint8Array(0);
    if (rest.length === 0) return rest;
    // Input that ends inside a UTF-8 sequence: after UTF-8 letters, the same mix as above; else not UTF-8.
    if (this.nonAscii) throw this.mixed(this.offset - rest.length);
    const text = this.switchToWindows1252(Buffer.from(rest));
    return Buffer.concat([text, Buffer.from(this.decoder!.end() ?? '', 'utf8')]);
  }

  /** Reads this and every later byte as Windows-1252 (all before was ASCII, the same in both). */
  private switchToWindows1252(data: Buffer): Uint8Array {
    this.encoding = 'windows-1252';
    this.warning = `${this.name}: not valid UTF-8; read as Windows-1252 (what Excel on Windows saves). If letters look wrong, give --encoding`;
    const decoder = iconv().getDecoder('windows-1252');
    this.decoder = decoder;
    return Buffer.from(decoder.write(data), 'utf8');
  }
}
