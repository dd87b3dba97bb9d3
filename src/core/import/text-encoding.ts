/**
 * Recognizing how a CSV file is encoded, and decoding/encoding it chunk by chunk.
 * Excel writes UTF-8 (with a BOM for "CSV UTF-8"), "Unicode text" (UTF-16 LE with a BOM) or, for
 * plain "CSV", the Windows code page (1252 in Western Europe and the Americas).
 */
import type { ImportEncoding } from './types.js';

/** What the first bytes of a file tell: its BOM or a binary format. */
export type ByteSniff = { kind: 'text'; encoding: ImportEncoding; bomLength: number; certain: boolean } | { kind: 'binary'; looksLike: string };

const startsWith = (bytes: Uint8Array, prefix: readonly number[]) => bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte);

const MAGIC: readonly { bytes: readonly number[]; looksLike: string }[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], looksLike: 'a ZIP or Excel .xlsx file' },
  { bytes: [0x50, 0x4b, 0x05, 0x06], looksLike: 'a ZIP or Excel .xlsx file' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], looksLike: 'an old Excel .xls workbook' },
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], looksLike: 'a PDF document' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], looksLike: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], looksLike: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], looksLike: 'a GIF image' },
  { bytes: [0x1f, 0x8b], looksLike: 'a compressed (gzip) file' },
];

/**
 * Looks at the first bytes (a few KB) of a file. UTF-8 without a BOM is only a guess (`certain`
 * false): the whole file must still decode as UTF-8, else it is Windows-1252.
 */
export function sniffBytes(head: Uint8Array): ByteSniff {
  if (startsWith(head, [0xff, 0xfe, 0x00, 0x00])) return { kind: 'binary', looksLike: 'UTF-32 text, which Roster does not read' };
  if (startsWith(head, [0xef, 0xbb, 0xbf])) return { kind: 'text', encoding: 'utf-8-bom', bomLength: 3, certain: true };
  if (startsWith(head, [0xff, 0xfe])) return { kind: 'text', encoding: 'utf-16le', bomLength: 2, certain: true };
  if (startsWith(head, [0xfe, 0xff])) return { kind: 'text', encoding: 'utf-16be', bomLength: 2, certain: true };
  for (const magic of MAGIC) if (startsWith(head, magic.bytes)) return { kind: 'binary', looksLike: magic.looksLike };
  if (head.includes(0)) {
    const utf16 = utf16WithoutBom(head);
    return utf16 ? { kind: 'text', encoding: utf16, bomLength: 0, certain: true } : { kind: 'binary', looksLike: 'binary data' };
  }
  return { kind: 'text', encoding: 'utf-8', bomLength: 0, certain: false };
}

/** UTF-16 text without a BOM: ASCII text leaves every other byte zero. */
function utf16WithoutBom(head: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const length = Math.min(head.length, 1024) & ~1;
  if (length < 4) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < length; i += 2) {
    if (head[i] === 0) evenZeros++;
    if (head[i + 1] === 0) oddZeros++;
  }
  const pairs = length / 2;
  if (oddZeros >= pairs * 0.9 && evenZeros <= pairs * 0.1) return 'utf-16le';
  if (evenZeros >= pairs * 0.9 && oddZeros <= pairs * 0.1) return 'utf-16be';
  return undefined;
}

/** Windows-1252 code points for bytes 0x80-0x9F (the rest equal Latin-1). Undefined bytes map to C1 controls. */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d,
  0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];
const CP1252_ENCODE = new Map(CP1252_HIGH.map((codePoint, i) => [codePoint, 0x80 + i]));

/**
 * Windows-1252 by hand: Node 20's TextDecoder('windows-1252') decodes 0x80-0x9F as Latin-1
 * (0x80 becomes U+0080, not €).
 */
export function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return latin1.replace(/[\x80-\x9f]/g, (ch) => String.fromCharCode(CP1252_HIGH[ch.charCodeAt(0) - 0x80] ?? ch.charCodeAt(0)));
}

/** Windows-1252 bytes for `text`; characters the code page lacks become "?". */
export function encodeWindows1252(text: string): Buffer {
  const out = Buffer.alloc(text.length);
  let length = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0x3f;
    const mapped = code < 0x80 || (code >= 0xa0 && code <= 0xff) ? code : CP1252_ENCODE.get(code);
    out[length++] = mapped ?? 0x3f;
  }
  return out.subarray(0, length);
}

/** Bytes of `text` in `encoding`, BOM included for the encodings that carry one. */
export function encodeText(text: string, encoding: ImportEncoding, withBom = encoding !== 'utf-8' && encoding !== 'windows-1252'): Buffer {
  switch (encoding) {
    case 'utf-8':
    case 'utf-8-bom':
      return Buffer.from(withBom ? `\ufeff${text}` : text, 'utf8');
    case 'utf-16le':
      return Buffer.from(withBom ? `\ufeff${text}` : text, 'utf16le');
    case 'utf-16be':
      return Buffer.from(withBom ? `\ufeff${text}` : text, 'utf16le').swap16();
    case 'windows-1252':
      return encodeWindows1252(text);
  }
}

/** Decodes a file chunk by chunk; a BOM at the start is dropped. */
export interface ChunkDecoder {
  decode(chunk: Uint8Array): string;
  end(): string;
}

/**
 * `fatal` makes invalid UTF-8 throw a TypeError with code ERR_ENCODING_INVALID_ENCODED_DATA
 * (see `isInvalidEncodingError`); other encodings never throw.
 */
export function createChunkDecoder(encoding: ImportEncoding, fatal = false): ChunkDecoder {
  if (encoding === 'windows-1252') return { decode: decodeWindows1252, end: () => '' };
  const label = encoding === 'utf-8-bom' ? 'utf-8' : encoding;
  const decoder = new TextDecoder(label, { fatal: fatal && label === 'utf-8' });
  return {
    decode: (chunk) => decoder.decode(chunk, { stream: true }),
    end: () => decoder.decode(),
  };
}

export function isInvalidEncodingError(error: unknown): boolean {
  return error instanceof TypeError && (error as { code?: unknown }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA';
}
