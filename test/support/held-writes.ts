import { UpdateQueryNode, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type UnknownRow } from 'kysely';
import type { OpenDatabase } from '../../src/db/open-database.js';

export interface HeldWrites {
  /** The database to give a Roster under test: the same connection, with the hold in its query path. */
  db: OpenDatabase;
  /** From now on, the next matching UPDATE is held (once). */
  arm(): void;
  /** Resolves when an UPDATE is being held: the statement ran, its transaction stays open. */
  held: Promise<void>;
  /** Lets the held UPDATE (and everything after it) go on. */
  release(): void;
}

/**
 * A slow provider, deterministically: once armed, the first UPDATE of `table` that sets `column`
 * (say DirectoryUser.deletedAt, which only a restore or a delete sets) runs and then waits,
 * inside its transaction, until the test releases it, while the event loop goes on (timers fire,
 * HTTP answers go out), as with a Microsoft Graph round trip or a busy database. Holding SQLite's
 * write lock from another connection would not do: better-sqlite3 waits for a lock synchronously,
 * freezing the event loop (and with it Bolt's 3-second timer) for as long as the lock is held.
 */
export function holdWrites(database: OpenDatabase, { table, column }: { table: string; column: string }): HeldWrites {
  let armed = false;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let holding!: () => void;
  const held = new Promise<void>((resolve) => (holding = resolve));
  const marked = new WeakSet<object>();
  const plugin: KyselyPlugin = {
    transformQuery({ node, queryId }: PluginTransformQueryArgs) {
      if (armed && UpdateQueryNode.is(node) && tableOf(node) === table && columnsSet(node).includes(column)) {
        armed = false;
        marked.add(queryId);
      }
      return node;
    },
    async transformResult({ result, queryId }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      if (marked.has(queryId)) {
        holding();
        await released;
      }
      return result;
    },
  };
  return {
    db: { ...database, db: database.db.withPlugin(plugin) },
    arm: () => void (armed = true),
    held,
    release,
  };
}

function tableOf(node: UpdateQueryNode): string | undefined {
  const table = node.table as { kind?: string; table?: { identifier?: { name?: string } } } | undefined;
  return table?.kind === 'TableNode' ? table.table?.identifier?.name : undefined;
}

function columnsSet(node: UpdateQueryNode): string[] {
  return (node.updates ?? []).map((update) => (update.column as { column?: { name?: string } }).column?.name ?? '');
}
