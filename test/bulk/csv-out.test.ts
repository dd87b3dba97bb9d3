import { describe, expect, it } from 'vitest';
import { csvCell, csvDocument } from '../../src/core/bulk/csv-out.js';

describe('CSV files Roster writes', () => {
  it('start with a UTF-8 BOM and use CRLF, so Excel opens them cleanly', async () => {
    const bytes = await csvDocument(['Name'], [['Zoë']]);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toBe('\uFEFFName\r\nZoë\r\n');
  });

  it.each([
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['+1 555', "'+1 555"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\rx', `"'\rx"`],
    // Full-width forms, which spreadsheets in CJK locales read as the ASCII ones, and a leading pipe (DDE).
    ['\uFF1DSUM(A1)', "'\uFF1DSUM(A1)"],
    ['\uFF0B1 555', "'\uFF0B1 555"],
    ['\uFF0D2', "'\uFF0D2"],
    ['\uFF20SUM(A1)', "'\uFF20SUM(A1)"],
    ["|cmd /c calc'!A0", "'|cmd /c calc'!A0"],
    ['\uFF5Ccmd', "'\uFF5Ccmd"],
    ['a=b', 'a=b'],
    ['a|b', 'a|b'],
    ['a,b', '"a,b"'],
    ['a;b', '"a;b"'],
    ['line\nbreak', '"line\nbreak"'],
    ['plain', 'plain'],
  ])('neutralizes and quotes %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('build a long file in slices, in row order, with other work running in between', async () => {
    let turns = 0;
    let ticking = true;
    const tick = () => {
      turns++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const rows = Array.from({ length: 10_000 }, (_, i) => [i]);
    const text = (await csvDocument(['N'], rows)).toString('utf8');
    ticking = false;
    expect(text.split('\r\n').slice(1, -1).map(Number)).toEqual(rows.map(([i]) => i));
    expect(turns).toBeGreaterThanOrEqual(4); // a turn after every 2,000 rows
  });
});
