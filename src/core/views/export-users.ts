import type { Actor, CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { productBySkuId } from '../catalogue/catalogue.js';
import { csvLine } from '../bulk/csv-out.js';
import { ok, type Result } from '../result.js';
import { exportChunk, type Cursor, type ExportRow } from '../../store/user-views.js';
import { resolveView, type ResolvedView } from './resolve-view.js';

/** The admin center's export columns, in its order (then Roster's own: user type, source, license error, the manager's username). */
export const EXPORT_HEADER = [
  'Display name',
  'User principal name',
  'First name',
  'Last name',
  'Licenses',
  'Block credential',
  'Usage location',
  'Department',
  'Job title',
  'City',
  'State',
  'Country or region',
  'Office',
  'Office phone',
  'Mobile phone',
  'Fax',
  'Street address',
  'Postal code',
  'When created',
  'Alternate email address',
  'User type',
  'Source',
  'License error',
  'Manager',
] as const;

/** Users read per query: enough to be quick, small enough that memory stays flat at any size. */
export const EXPORT_CHUNK = 2000;

function cells(row: ExportRow): (string | null)[] {
  return [
    row.displayName,
    row.userPrincipalName,
    row.firstName,
    row.lastName,
    row.skuIds.map((id) => productBySkuId(id)?.displayName ?? id).join('+'),
    row.accountEnabled ? 'False' : 'True',
    row.usageLocation,
    row.department,
    row.jobTitle,
    row.city,
    row.state,
    row.country,
    row.officeNumber,
    row.officePhone,
    row.mobilePhone,
    row.fax,
    row.address,
    row.postalCode,
    row.createdAt.toISOString(),
    row.alternateEmail,
    row.userType === 'guest' ? 'Guest' : 'Member',
    row.source === 'synced' ? 'Synced' : 'Cloud',
    row.licenseError,
    row.managerUpn ?? null,
  ];
}

/**
 * A view as CSV (UTF-8 with BOM, formula-safe cells), as text chunks of up to EXPORT_CHUNK users:
 * the caller writes each chunk out before the next is read, so a 100,000-user export never holds the
 * whole file. Any admin role may export what they may list.
 */
export async function exportUsers(
  ctx: CoreContext,
  actor: Actor,
  viewText: string,
): Promise<Result<{ view: ResolvedView; chunks: () => AsyncGenerator<{ text: string; rows: number }> }>> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  const resolved = await resolveView(ctx.db, auth.tenant.id, viewText);
  if (!resolved.ok) return resolved;
  const { view } = resolved;
  const tenantId = auth.tenant.id;
  const filter = view.filter;
  async function* chunks(): AsyncGenerator<{ text: string; rows: number }> {
    yield { text: `\uFEFF${csvLine(EXPORT_HEADER)}`, rows: 0 };
    let after: Cursor | undefined;
    for (;;) {
      const rows = await exportChunk(ctx.db, tenantId, filter, after, EXPORT_CHUNK);
      if (rows.length === 0) return;
      yield { text: rows.map((row) => csvLine(cells(row))).join(''), rows: rows.length };
      const last = rows[rows.length - 1]!;
      after = { displayName: last.displayName, id: last.id };
      if (rows.length < EXPORT_CHUNK) return;
    }
  }
  return ok({ view, chunks });
}

/** A file name for the export: the view's name, safe in any file system. */
export function exportFileName(view: ResolvedView, at: Date): string {
  const name =
    view.name
      .normalize('NFD')
      .replace(/[^\w-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .toLowerCase() || 'users';
  return `${name}-${at.toISOString().slice(0, 10)}.csv`;
}
