import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { App } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import type { SlackAppDeps } from '../src/slack/deps.js';
import { oneTokenPorts } from '../src/slack/slack-ports.js';
import type { SlackPort } from '../src/slack/slack-port.js';
import { registerListeners } from '../src/slack/listeners/register.js';

/** Every .ts file under a folder of src/, with its text. */
function sources(folder: string): { file: string; text: string }[] {
  const root = path.join('src', folder);
  return (readdirSync(root, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .map((file) => ({ file, text: readFileSync(file, 'utf8') }));
}

const SQL = /\b(SELECT\s[\s\S]*?\sFROM|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+"?[A-Za-z]+"?\s+SET)\b/;

describe('the layers keep to their places', () => {
  it('the core imports nothing from Slack', () => {
    const offenders = sources('core').filter(({ text }) => /from '(@slack\/|\.\.\/.*slack\/)/.test(text));
    expect(offenders.map((o) => o.file)).toEqual([]);
  });

  it('listeners and services never check permissions themselves: the core decides', () => {
    const offenders = sources('slack').filter(({ text }) => text.includes('core/access/authorize'));
    expect(offenders.map((o) => o.file)).toEqual([]);
  });

  it('SQL is written only in the data layer (src/store, and the migrator in src/db)', () => {
    const outside = ['core', 'slack', 'cli', 'config', 'runtime', 'directory'].flatMap(sources).filter(({ text }) => SQL.test(text));
    expect(outside.map((o) => o.file)).toEqual([]);
  });

  it('the core changes users and licenses only through the directory provider (core/directory)', () => {
    const writes = DIRECTORY_WRITES.join('|');
    const pattern = new RegExp(`import \\{[^}]*\\b(${writes})\\b[^}]*\\} from '[./]*/store/`);
    const offenders = ['core', 'slack', 'cli'].flatMap(sources).filter(({ text }) => pattern.test(text));
    expect(offenders.map((o) => o.file)).toEqual([]);
  });

  it('one composition root: only src/runtime opens the database and builds the core context', () => {
    const roots = ['core', 'slack', 'cli', 'config', 'directory', 'store']
      .flatMap(sources)
      .concat([{ file: 'src/main.ts', text: readFileSync('src/main.ts', 'utf8') }])
      .filter(({ text }) => /\bopenDatabase\(|newInstanceId\(\)|:\s*CoreContext\s*=\s*\{/.test(code(text)))
      .map((o) => o.file)
      // Where the instance id is made, and the database opened, for the runtime to call.
      .filter((file) => !['src/core/bulk/import-ownership.ts'].includes(file));
    expect(roots).toEqual([]);
  });
});

/** The store's functions that change users and licenses: the embedded directory and the tenant's mirror call them, nothing else. */
const DIRECTORY_WRITES = [
  'insertDirectoryUser',
  'insertDirectoryUsersSkippingTaken',
  'setPasswordHashes',
  'setMailboxAndLicenseError',
  'assignLicense',
  'unassignLicense',
  'setDisabledPlans',
  'replaceRoles',
  'updateUserFields',
  'setUserPassword',
  'setUserSource',
  'softDeleteUser',
  'undeleteUser',
  'purgeDeletedUser',
  'removeMailboxPastGrace',
  'markGuest',
  // The mirror of a connected tenant (src/directory/microsoft-mirror.ts).
  'applyMirrorChanges',
  'deleteUsersNotMirroredSince',
  'setMirroredProducts',
  'setMirroredDomains',
];

/** A file's code without its comments, so that prose about "the ack" is not mistaken for code. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/** Where acks may be sent: the helper, and the edge that acks a malformed payload before Bolt sees it. */
const ACKS_HERE = [path.join('src', 'slack', 'services', 'answer.ts'), path.join('src', 'slack', 'parse', 'guard-receiver.ts')];
const REGISTRAR = path.join('src', 'slack', 'services', 'answering.ts');
const INTERACTIVE = /\b\w*app\s*\.\s*(command|action|view|options|shortcut)\s*(<[^>]*>)?\s*\(/i;

describe('Slack is answered one way: every ack goes through services/answer.ts', () => {
  it('no listener touches ack: no ack( call, no ack destructured or passed on', () => {
    // `ack` as a name of its own (after-ack.js is another word).
    const offenders = sources(path.join('slack', 'listeners')).filter(({ text }) => /(?<![\w$-])ack(?![\w$-])/.test(code(text)));
    expect(offenders.map((o) => o.file)).toEqual([]);
  });

  it('nothing else in the Slack layer calls an ack', () => {
    const offenders = sources('slack').filter(({ file, text }) => !ACKS_HERE.includes(file) && /\back\s*\(/.test(code(text)));
    expect(offenders.map((o) => o.file)).toEqual([]);
  });

  it('commands, actions, options, shortcuts and views are registered only through the registrar (services/answering.ts)', () => {
    const offenders = sources('slack').filter(({ file, text }) => file !== REGISTRAR && INTERACTIVE.test(code(text)));
    expect(offenders.map((o) => o.file)).toEqual([]);
    const register = code(readFileSync(path.join('src', 'slack', 'listeners', 'register.ts'), 'utf8'));
    expect(register).toMatch(/const on = answering\(app, deps\)/);
    // Events are acked by Bolt before any listener runs (App.processEvent); only they use the app directly.
    expect([...register.matchAll(/\bapp\.(\w+)\(/g)].map((m) => m[1])).toEqual(['event', 'event', 'event', 'event', 'event']);
  });

  it('every registered listener acks exactly once, with no Web API call before, even when its plan fails', async () => {
    const registered: { kind: string; listener: (args: object) => Promise<void> }[] = [];
    const recorder = Object.fromEntries(
      ['command', 'view', 'action', 'options', 'shortcut', 'event'].map((kind) => [
        kind,
        (_constraint: unknown, listener: (args: object) => Promise<void>) => void registered.push({ kind, listener }),
      ]),
    ) as unknown as App;
    const quiet = () => undefined;
    // A Slack port whose every call resolves (and is counted), and a core that fails at its first query: each plan errs.
    let slackCalls = 0;
    const slack = new Proxy(
      {},
      {
        // Not a thenable (no `then`): the registrar hands the port out through a promise.
        get: (_target, method) =>
          method === 'then'
            ? undefined
            : async () => {
                slackCalls += 1;
                return { channel: 'D1', ts: '1', viewId: 'V1', shares: [] };
              },
      },
    );
    const deps = {
      core: {},
      ports: oneTokenPorts(slack as SlackPort),
      ackBudgetMs: 50,
      logger: { debug: quiet, info: quiet, warn: quiet, error: quiet },
      bootstrapAdmins: [],
    };
    // Each registration's own listener (actions and submissions reach Bolt through one router each).
    const interactive = registerListeners(recorder, deps as unknown as SlackAppDeps);
    expect(registered.filter((r) => r.kind !== 'event').length).toBeGreaterThanOrEqual(2);
    expect(interactive.length).toBeGreaterThan(40);
    for (const { kind, listener: own } of interactive) {
      const listener = own as (args: object) => Promise<void>;
      const acks: unknown[] = [];
      const callsBeforeAck: number[] = [];
      const user = { id: 'U1' };
      slackCalls = 0;
      await listener({
        ack: async (body: unknown) => {
          acks.push(body);
          callsBeforeAck.push(slackCalls);
        },
        body: { user, team: { id: 'T1' }, actions: [], view: undefined, trigger_id: 't' },
        command: { command: '/users', text: 'list', user_id: 'U1', team_id: 'T1', trigger_id: 't', response_url: 'https://hooks.slack.test/1' },
        view: { id: 'V1', state: { values: {} }, private_metadata: '' },
        payload: { value: '' },
        action: {},
        shortcut: { user, team: { id: 'T1' }, message: {}, channel: { id: 'C1' }, trigger_id: 't' },
        respond: async () => undefined,
        context: {},
      });
      expect(acks, `a ${kind} listener`).toHaveLength(1);
      expect(callsBeforeAck, `Web API calls before the ack of a ${kind} listener`).toEqual([0]);
    }
  });
});

/** Every relative import of each .ts file under src/ (type-only, re-exports and `import('…')` included), as files. */
function importGraph(): Map<string, string[]> {
  const files = sources('.').map((s) => ({ ...s, file: path.normalize(s.file) }));
  const known = new Set(files.map((f) => f.file));
  const SPEC = /(?:\b(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?|\bimport\s*\(\s*)['"](\.[^'"]+)['"]/g;
  const graph = new Map<string, string[]>();
  for (const { file, text } of files) {
    const targets = new Set<string>();
    for (const [, spec] of code(text).matchAll(SPEC)) {
      const base = path.normalize(path.join(path.dirname(file), spec as string));
      const target = [base.replace(/\.js$/, '.ts'), `${base}.ts`, path.join(base, 'index.ts')].find((candidate) => known.has(candidate));
      if (target) targets.add(target);
    }
    graph.set(file, [...targets]);
  }
  return graph;
}

/** The groups of files that import one another (strongly connected components of more than one file, or a file importing itself). */
function importCycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string) => {
    index.set(file, index.size);
    low.set(file, index.get(file) as number);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file) as number, low.get(next) as number));
      } else if (onStack.has(next)) low.set(file, Math.min(low.get(file) as number, index.get(next) as number));
    }
    if (low.get(file) !== index.get(file)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      group.push(member);
    } while (member !== file);
    if (group.length > 1 || (graph.get(file) ?? []).includes(file)) found.push(group.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

/** The top-level folder of src/ a file is in ('main.ts' for a file at the top). */
function layerOf(file: string): string {
  return path.relative('src', file).split(path.sep)[0] as string;
}

describe('the store is a boundary the core stands on', () => {
  const graph = importGraph();

  it('no file imports itself back, type imports included', () => {
    expect(importCycles(graph)).toEqual([]);
    // The walker sees cycles: two files of a made-up graph that import each other are one.
    expect(
      importCycles(
        new Map([
          ['a', ['b']],
          ['b', ['a']],
          ['c', ['a']],
        ]),
      ),
    ).toEqual([['a', 'b']]);
  });

  it('the store, the domain and the Graph client import nothing from the core, Slack, the CLI, the runtime or the directory', () => {
    const allowed: Record<string, string[]> = { store: ['store', 'domain', 'generated'], domain: ['domain'], graph: ['graph'] };
    const offenders = [...graph].flatMap(([file, targets]) => {
      const mayUse = allowed[layerOf(file)];
      return mayUse ? targets.filter((target) => !mayUse.includes(layerOf(target))).map((target) => `${file} → ${target}`) : [];
    });
    expect(offenders).toEqual([]);
  });

  it('driver errors are recognised only in the store: nothing else names a SQLite or Postgres error code', () => {
    const DRIVER_ERRORS = /SQLITE_[A-Z]|\b23505\b|SqliteError|UNIQUE constraint|isUniqueViolation/;
    const outside = ['core', 'slack', 'cli', 'config', 'runtime', 'directory', 'domain'].flatMap(sources).filter(({ text }) => DRIVER_ERRORS.test(code(text)));
    expect(outside.map((o) => o.file)).toEqual([]);
  });

  it("results are told apart one way, by .ok: no `'ok' in` test and no isCoreError", () => {
    const offenders = ['core', 'slack', 'cli', 'runtime', 'directory', 'store']
      .flatMap(sources)
      .filter(({ text }) => /['"]ok['"]\s+in\b|\bisCoreError\b/.test(code(text)));
    expect(offenders.map((o) => o.file)).toEqual([]);
  });

  it('a refusal sentence is written once in the core (shared ones in core/refusals.ts)', () => {
    // A string literal of three words or more ending a sentence; a template's placeholders count as words.
    const SENTENCE = /'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|`((?:[^`\\]|\\.)*)`/g;
    const where = new Map<string, string[]>();
    for (const { file, text } of sources('core')) {
      for (const match of code(text).matchAll(SENTENCE)) {
        const literal = match[1] ?? match[2] ?? match[3] ?? '';
        if (!/[.?!]$/.test(literal) || literal.split(/\s+/).length < 3) continue;
        where.set(literal, [...(where.get(literal) ?? []), file]);
      }
    }
    const twice = [...where].filter(([, files]) => files.length > 1).map(([literal, files]) => `${literal} (${files.join(', ')})`);
    expect(twice).toEqual([]);
  });

  it('the store hands out domain types: only it imports the generated row types, and none of its exports names one', () => {
    const importers = [...graph].filter(
      ([file, targets]) => !['store', 'generated'].includes(layerOf(file)) && targets.some((t) => layerOf(t) === 'generated'),
    );
    expect(importers.map(([file]) => file)).toEqual([]);
    const leaks = sources('store').filter(({ text }) => /^export\b[^\n]*\b(Selectable|Insertable|Updateable)</m.test(code(text)));
    expect(leaks.map((o) => o.file)).toEqual([]);
  });

  it('encodings stay in the store: nothing else imports its value codecs or its dialect', () => {
    const inside = new Set(['values.ts', 'sqlite-driver.ts', 'postgres-driver.ts'].map((file) => path.join('src', 'store', file)));
    const offenders = [...graph].filter(([file, targets]) => layerOf(file) !== 'store' && targets.some((t) => inside.has(t)));
    expect(offenders.map(([file]) => file)).toEqual([]);
  });

  it('licenses are written in one place: only core/licenses/change-user-licenses.ts asks the directory to assign, unassign or move a mailbox', () => {
    const home = path.join('src', 'core', 'licenses', 'change-user-licenses.ts');
    const offenders = sources('core').filter(
      ({ file, text }) => file !== home && /\.(assignLicenses|unassignLicenses|setDisabledPlans|setMailbox)\(/.test(code(text)),
    );
    expect(offenders.map((o) => o.file)).toEqual([]);
  });
});
