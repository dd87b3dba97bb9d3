import { describe, expect, it } from 'vitest';
import { csvCell, csvDocument } from '../../src/core/bulk/csv-out.js';

describe('CSV files Roster writes', () => {
  it('start with a UTF-8 BOM and use CRLF, so Excel opens them cleanly', () => {
    const bytes = csvDocument(['Name'], [['Zoë']]);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toBe('\uFEFFName\r\nZoë\r\n');
  });

  it.each([
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['+1 555', "'+1 555"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['a,b', '"a,b"'],
    ['a;b', '"a;b"'],
    ['line\nbreak', '"line\nbreak"'],
    ['plain', 'plain'],
  ])('neutralizes and quotes %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });
});
