/**
 * Walks test/fixtures/import/expectations.json: every fixture must open (or fail) exactly as
 * listed, and yield exactly the listed rows and problems.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DuplicateUsernameTracker, duplicateUsernameProblem, openImportFile } from '../../src/core/import/index.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/import');

const problem = z.strictObject({ row: z.number().int(), column: z.string(), message: z.string().min(1) });
const manifest = z.strictObject({
  $comment: z.string(),
  fixtures: z.array(
    z.strictObject({
      file: z.string(),
      covers: z.string().min(1),
      options: z.strictObject({ maxRows: z.number().int().optional(), maxBytes: z.number().int().optional() }).optional(),
      expect: z.discriminatedUnion('ok', [
        z.strictObject({ ok: z.literal(false), code: z.enum(['invalid_input', 'limit_exceeded']), message: z.string().min(1) }),
        z.strictObject({
          ok: z.literal(true),
          layout: z.enum(['admin-center-2024', 'admin-center-2020', 'entra-v1']),
          encoding: z.enum(['utf-8', 'utf-8-bom', 'utf-16le', 'utf-16be', 'windows-1252']),
          delimiter: z.enum([',', ';', '\t']),
          userRowCount: z.number().int(),
          exampleRowNumber: z.number().int().optional(),
          rowNumbers: z.array(z.number().int()),
          problems: z.array(problem),
          /** Row number → field → value; null means undefined. */
          fields: z.record(z.string(), z.record(z.string(), z.union([z.string(), z.boolean(), z.null()]))).optional(),
        }),
      ]),
    }),
  ),
});

const { fixtures } = manifest.parse(JSON.parse(readFileSync(join(FIXTURES, 'expectations.json'), 'utf8')));

describe('fixture corpus', () => {
  it('lists every fixture file once, and there are at least 35', () => {
    const files = readdirSync(FIXTURES)
      .filter((name) => name.endsWith('.csv'))
      .sort();
    const listed = fixtures.map((fixture) => fixture.file).sort();
    expect(listed).toEqual(files);
    expect(new Set(listed).size).toBe(listed.length);
    expect(files.length).toBeGreaterThanOrEqual(35);
  });

  it.each(fixtures.map((fixture) => [fixture.file, fixture] as const))('%s', async (file, fixture) => {
    const opened = await openImportFile(join(FIXTURES, file), fixture.options);
    const want = fixture.expect;
    if (!want.ok) {
      expect(opened).toEqual({ ok: false, code: want.code, message: want.message });
      return;
    }
    if (!opened.ok) throw new Error(`expected ${file} to open, got: ${opened.message}`);
    const { file: importFile } = opened;
    expect({
      layout: importFile.layout,
      encoding: importFile.encoding,
      delimiter: importFile.delimiter,
      userRowCount: importFile.userRowCount,
      exampleRowNumber: importFile.exampleRowNumber,
    }).toEqual({
      layout: want.layout,
      encoding: want.encoding,
      delimiter: want.delimiter,
      userRowCount: want.userRowCount,
      exampleRowNumber: want.exampleRowNumber,
    });

    const tracker = new DuplicateUsernameTracker();
    const rowNumbers: number[] = [];
    const problems: z.infer<typeof problem>[] = [];
    const fields: Record<string, Record<string, unknown>> = {};
    for await (const row of importFile.rows()) {
      rowNumbers.push(row.rowNumber);
      for (const p of row.problems) problems.push({ row: row.rowNumber, ...p });
      const firstRow = row.fields.userName === undefined ? undefined : tracker.see(row.fields.userName, row.rowNumber);
      if (firstRow !== undefined) {
        problems.push({ row: row.rowNumber, ...duplicateUsernameProblem(importFile.columnLabels.userName ?? 'User Name', firstRow) });
      }
      const wanted = want.fields?.[String(row.rowNumber)];
      if (wanted) fields[row.rowNumber] = Object.fromEntries(Object.keys(wanted).map((key) => [key, row.fields[key as keyof typeof row.fields] ?? null]));
    }
    expect(rowNumbers).toEqual(want.rowNumbers);
    expect(rowNumbers.length).toBe(want.userRowCount);
    expect(problems).toEqual(want.problems);
    expect(fields).toEqual(want.fields ?? {});
  });
});
