import { describe, expect, it } from 'vitest';
import { countDelimiters, detectDelimiter, firstLogicalLines, isVersionLine } from '../../src/core/import/delimiter.js';
import {
  createChunkDecoder,
  decodeWindows1252,
  encodeText,
  encodeWindows1252,
  isInvalidEncodingError,
  sniffBytes,
} from '../../src/core/import/text-encoding.js';

const bytes = (...values: number[]) => Uint8Array.from(values);

describe('sniffBytes', () => {
  it('recognizes the BOMs', () => {
    expect(sniffBytes(bytes(0xef, 0xbb, 0xbf, 0x41))).toEqual({ kind: 'text', encoding: 'utf-8-bom', bomLength: 3, certain: true });
    expect(sniffBytes(bytes(0xff, 0xfe, 0x41, 0))).toEqual({ kind: 'text', encoding: 'utf-16le', bomLength: 2, certain: true });
    expect(sniffBytes(bytes(0xfe, 0xff, 0, 0x41))).toEqual({ kind: 'text', encoding: 'utf-16be', bomLength: 2, certain: true });
  });

  it('takes text without a BOM for UTF-8, to be confirmed by decoding the whole file', () => {
    expect(sniffBytes(Buffer.from('User Name,First Name\r\n'))).toEqual({ kind: 'text', encoding: 'utf-8', bomLength: 0, certain: false });
    expect(sniffBytes(bytes())).toEqual({ kind: 'text', encoding: 'utf-8', bomLength: 0, certain: false });
  });

  it('recognizes UTF-16 without a BOM by its zero bytes', () => {
    expect(sniffBytes(Buffer.from('User Name\tFirst Name', 'utf16le'))).toMatchObject({ kind: 'text', encoding: 'utf-16le' });
    expect(sniffBytes(Buffer.from('User Name\tFirst Name', 'utf16le').swap16())).toMatchObject({ kind: 'text', encoding: 'utf-16be' });
  });

  it.each([
    ['ZIP/XLSX', [0x50, 0x4b, 0x03, 0x04, 0x14, 0], 'a ZIP or Excel .xlsx file'],
    ['XLS', [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0], 'an old Excel .xls workbook'],
    ['PDF', [...Buffer.from('%PDF-1.4')], 'a PDF document'],
    ['PNG', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a], 'a PNG image'],
    ['JPEG', [0xff, 0xd8, 0xff, 0xe0], 'a JPEG image'],
    ['GIF', [...Buffer.from('GIF89a')], 'a GIF image'],
    ['gzip', [0x1f, 0x8b, 8, 0], 'a compressed (gzip) file'],
    ['UTF-32', [0xff, 0xfe, 0, 0, 0x41, 0, 0, 0], 'UTF-32 text, which Roster does not read'],
    ['NUL bytes', [0x41, 0x42, 0, 0x43, 0x44, 0x45, 0x46, 0, 0, 0x47], 'binary data'],
  ])('refuses %s', (_, magic, looksLike) => {
    expect(sniffBytes(Uint8Array.from(magic))).toEqual({ kind: 'binary', looksLike });
  });
});

describe('Windows-1252', () => {
  it('decodes 0x80-0x9F as Windows-1252, not Latin-1', () => {
    expect(decodeWindows1252(bytes(0x80, 0x93, 0x94, 0x96, 0x9f))).toBe('€“”–Ÿ');
    expect(decodeWindows1252(bytes(0x5a, 0x6f, 0xeb, 0x20, 0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72))).toBe('Zoë Müller');
  });

  it('round-trips every character it can encode, and writes "?" for the rest', () => {
    const all = decodeWindows1252(Uint8Array.from({ length: 256 }, (_, i) => i));
    expect(decodeWindows1252(encodeWindows1252(all))).toBe(all);
    expect(encodeWindows1252('Łódź €').toString('latin1')).toBe('?ód? \x80');
  });
});

describe('encodeText and createChunkDecoder', () => {
  const text = 'Zoë Müller, “CJ” €, 日本, 🐱';
  it.each(['utf-8', 'utf-8-bom', 'utf-16le', 'utf-16be'] as const)('round-trips %s, dropping the BOM', (encoding) => {
    const encoded = encodeText(text, encoding);
    const decoder = createChunkDecoder(encoding);
    // Feed one byte at a time: characters split across chunks must survive.
    let decoded = '';
    for (const byte of encoded) decoded += decoder.decode(Uint8Array.of(byte));
    decoded += decoder.end();
    expect(decoded).toBe(text);
  });

  it('writes the BOM Excel writes', () => {
    expect([...encodeText('A', 'utf-8-bom')]).toEqual([0xef, 0xbb, 0xbf, 0x41]);
    expect([...encodeText('A', 'utf-16le')]).toEqual([0xff, 0xfe, 0x41, 0]);
    expect([...encodeText('A', 'utf-16be')]).toEqual([0xfe, 0xff, 0, 0x41]);
    expect([...encodeText('A', 'utf-8')]).toEqual([0x41]);
  });

  it('throws a recognizable error on invalid UTF-8 only when fatal', () => {
    const invalid = bytes(0x5a, 0x6f, 0xeb, 0x20);
    expect(createChunkDecoder('utf-8').decode(invalid)).toBe('Zo\ufffd ');
    let error: unknown;
    try {
      const decoder = createChunkDecoder('utf-8', true);
      decoder.decode(invalid);
      decoder.end();
    } catch (caught) {
      error = caught;
    }
    expect(isInvalidEncodingError(error)).toBe(true);
  });

  it('reports a UTF-8 sequence cut off at the end of the file when fatal', () => {
    const decoder = createChunkDecoder('utf-8', true);
    expect(decoder.decode(bytes(0x41, 0xc3))).toBe('A');
    expect(() => decoder.end()).toThrow(TypeError);
  });
});

describe('detectDelimiter', () => {
  it.each([
    ['comma', 'User Name,First Name,Last Name\r\nchris@contoso.com;x;y;z\r\n', ','],
    ['semicolon (European Excel)', 'Gebruikersnaam;Voornaam;Achternaam\nsanne@contoso.nl;Sanne;de Vries, jr\n', ';'],
    ['tab (Unicode text)', 'User Name\tFirst Name\tLast Name\n', '\t'],
    ['separators inside quotes do not count', '"Name, full";"Title, job";"Dept, x"\n', ';'],
    ['a quoted header label holding a line break', '"User\nName",First Name,Last Name\n', ','],
    ["the header after Entra's version line", 'version:v1.0;;;\nName [displayName] Required,User name [userPrincipalName] Required\n', ','],
    ['no separator at all', 'User Name\n', ','],
    ['nothing', '', ','],
    ['leading blank lines', '\r\n\r\nUser Name;First Name\r\n', ';'],
  ] as const)('%s', (_, text, delimiter) => {
    expect(detectDelimiter(text)).toBe(delimiter);
  });

  it('counts separators outside quotes', () => {
    expect(countDelimiters('a,"b,c";d\t"e\tf"')).toEqual({ ',': 1, ';': 1, '\t': 1 });
  });

  it('splits logical lines on CRLF, LF and CR, not inside quotes', () => {
    expect(firstLogicalLines('a\r\nb\nc\rd', 10)).toEqual(['a', 'b', 'c', 'd']);
    expect(firstLogicalLines('"a\nb",c\nd', 10)).toEqual(['"a\nb",c', 'd']);
    expect(firstLogicalLines('a\nb\nc', 2)).toEqual(['a', 'b']);
  });

  it('knows the version line in any case', () => {
    expect(isVersionLine('version:v1.0')).toBe(true);
    expect(isVersionLine('VERSION:V1.0,,,')).toBe(true);
    expect(isVersionLine('"version:v1.0"')).toBe(true);
    expect(isVersionLine('User Name,version')).toBe(false);
  });
});
