import { randomUUID } from 'node:crypto';
import type { Db } from './database.js';
import { fromDbDate, fromDbJson, toDbDate, toDbJson } from './values.js';

/** All SQL about custom user views (CustomView): a name and its conditions (a JSON column), per organization. */

export interface CustomViewRecord {
  id: string;
  tenantId: string;
  name: string;
  /** The conditions as stored (decoded JSON, null when the text was not JSON); the core checks them with its schema (core/views/view-conditions.ts). */
  conditions: unknown;
  createdBy: string;
  createdAt: Date;
}

const COLUMNS = ['id', 'tenantId', 'name', 'conditions', 'createdBy', 'createdAt'] as const;

function toRecord(row: { id: string; tenantId: string; name: string; conditions: string; createdBy: string; createdAt: string }): CustomViewRecord {
  return { ...row, conditions: fromDbJson(row.conditions), createdAt: fromDbDate(row.createdAt) };
}

/** Every custom view of an organization, by name. */
export async function customViews(db: Db, tenantId: string): Promise<CustomViewRecord[]> {
  const rows = await db.selectFrom('CustomView').select(COLUMNS).where('tenantId', '=', tenantId).orderBy('nameKey').execute();
  return rows.map(toRecord);
}

export async function customViewById(db: Db, tenantId: string, id: string): Promise<CustomViewRecord | null> {
  const row = await db.selectFrom('CustomView').select(COLUMNS).where('tenantId', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return row ? toRecord(row) : null;
}

export async function customViewByName(db: Db, tenantId: string, name: string): Promise<CustomViewRecord | null> {
  const row = await db
    .selectFrom('CustomView')
    .select(COLUMNS)
    .where('tenantId', '=', tenantId)
    .where('nameKey', '=', name.trim().toLowerCase())
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}

export async function countCustomViews(db: Db, tenantId: string): Promise<number> {
  const row = await db
    .selectFrom('CustomView')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenantId', '=', tenantId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Adds a view; a name already used in the organization fails with a UniqueViolation ('view_name'). */
export async function insertCustomView(db: Db, view: { tenantId: string; name: string; conditions: object; createdBy: string }, at: Date): Promise<string> {
  const id = randomUUID();
  const stamp = toDbDate(at);
  await db
    .insertInto('CustomView')
    .values({
      id,
      tenantId: view.tenantId,
      name: view.name,
      nameKey: view.name.toLowerCase(),
      conditions: toDbJson(view.conditions),
      createdBy: view.createdBy,
      createdAt: stamp,
      updatedAt: stamp,
    })
    .execute();
  return id;
}

/** Changes a view's name and conditions; false when it no longer exists. */
export async function updateCustomView(db: Db, tenantId: string, id: string, change: { name: string; conditions: object }, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('CustomView')
    .set({ name: change.name, nameKey: change.name.toLowerCase(), conditions: toDbJson(change.conditions), updatedAt: toDbDate(at) })
    .where('tenantId', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Deletes a view; false when it was already gone. */
export async function deleteCustomView(db: Db, tenantId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('CustomView').where('tenantId', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
