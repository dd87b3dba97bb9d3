import type { Actor, CoreContext } from '../context.js';
import { authorize } from '../access/authorize.js';
import { ok, type Result } from '../result.js';
import { csvDocument } from '../bulk/csv-out.js';
import { adminCenterHeaderLine, START_DATE_LABEL } from './admin-center-layout.js';

/** The admin center's own example row, on the organization's initial domain. */
const EXAMPLE = ['Chris', 'Green', 'Chris Green', 'IT Manager', 'Information Technology', '123451', '123-555-1211', '123-555-6641', '123-555-9821'];
const EXAMPLE_ADDRESS = ['1 Microsoft way', 'Redmond', 'Wa', '98052', 'United States'];

export const IMPORT_TEMPLATE_FILE = 'roster-import-template.csv';

/**
 * The sample CSV both bulk pages start with (`/users import template`, the import form's button,
 * `roster import --template`): the admin center's 15-column layout, its header and one example row
 * with a username on the organization's initial domain, then Roster's optional `Start date` column
 * (empty: the user starts now; YYYY-MM-DD: made blocked, started that day). Any admin role (those who may verify a file).
 */
export async function importTemplate(ctx: CoreContext, actor: Actor): Promise<Result<{ fileName: string; bytes: Buffer }>> {
  const auth = await authorize(ctx, actor, 'read');
  if (!auth.ok) return auth;
  const row = [`chris.green@${auth.tenant.initialDomain}`, ...EXAMPLE, ...EXAMPLE_ADDRESS, ''];
  return ok({ fileName: IMPORT_TEMPLATE_FILE, bytes: await csvDocument([...adminCenterHeaderLine('admin-center-2020'), START_DATE_LABEL], [row]) });
}
