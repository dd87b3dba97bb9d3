/**
 * The command line's shape (issue 19, item 1): each command's own --help, unknown commands and
 * options (exit 2, with a suggestion), exit codes, the one organization's workspace, completion.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optionsOf } from '../../src/cli/command-tree.js';
import { COMMANDS } from '../../src/cli/commands.js';
import { rosterCli } from '../support/run-cli.js';
import { createTestDatabase, seedTenant, TEAM, type TestDatabase } from '../support/test-db.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await seedTenant(db.ctx);
});
afterAll(async () => db.destroy());

const roster = (...args: string[]) => rosterCli(db)(...args);

describe('roster --help', () => {
  it('gives every command its own help, with examples, on stdout and exit 0', async () => {
    const seen = new Set<string>();
    for (const spec of COMMANDS) {
      const { code, stdout, stderr } = await roster(...spec.path, '--help');
      expect(code, spec.path.join(' ')).toBe(0);
      expect(stderr).toBe('');
      expect(stdout).toContain(`Usage: roster ${spec.path.join(' ')}`);
      expect(stdout).toMatch(/Examples:\n {2}.*roster /);
      seen.add(stdout);
    }
    expect(seen.size).toBe(COMMANDS.length);
    expect((await roster('help', 'users', 'add')).stdout).toBe((await roster('users', 'add', '--help')).stdout);
  });

  it('lists the commands of a group, and every command at the top with the exit codes', async () => {
    const users = await roster('users', '--help');
    expect(users.code).toBe(0);
    expect(users.stdout).toMatch(/^ {2}users add <username>/m);
    expect(users.stdout).toMatch(/^ {2}users show <username>/m);
    expect((await roster('licenses', '--help')).stdout).toMatch(/Commands under it:\n {2}licenses assign <product> <username>\.\.\./);
    const top = await roster('--help');
    expect(top.stdout).toMatch(/Exit codes: 0 all done; 1 refused/);
    for (const spec of COMMANDS) expect(top.stdout).toContain(`  ${spec.path.join(' ')}`);
    const bare = await roster();
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/^error: name a command\n/);
  });
});

describe('the command tree', () => {
  it('gives an option one type across commands, so a value is never taken for a command word', () => {
    const types = new Map<string, string>();
    for (const spec of COMMANDS)
      for (const [flag, option] of Object.entries(optionsOf(spec))) {
        expect(types.get(flag) ?? option.type, `--${flag} of ${spec.path.join(' ')}`).toBe(option.type);
        types.set(flag, option.type);
      }
  });
});

describe('usage errors exit 2, with a suggestion', () => {
  it('an unknown command or subcommand', async () => {
    const typo = await roster('users', 'ad', 'ana');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/unknown command roster users ad; did you mean roster users add\?/);
    expect((await roster('users', 'frob', '--help')).code).toBe(2);
    const top = await roster('licences');
    expect(top.code).toBe(2);
    expect(top.stderr).toMatch(/did you mean roster licenses\?/);
    const extra = await roster('licenses', 'asign', 'x', 'ana');
    expect(extra.stderr).toMatch(/did you mean roster licenses assign\?/);
  });

  it('an unknown option, a missing argument, a bad --output', async () => {
    const option = await roster('users', 'show', 'ana', '--outptu', 'json');
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/users show has no option --outptu; did you mean --output\?/);
    expect(option.stderr).toMatch(/See `roster users show --help`/);
    // An option of another command is not this one's.
    expect((await roster('users', 'show', 'ana', '--department', 'x')).code).toBe(2);
    const missing = await roster('users', 'show');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/roster users show needs <username>/);
    expect((await roster('export')).stderr).toMatch(/roster export needs --out/);
    const format = await roster('licenses', '--output', 'yaml');
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/--output is text, json or csv/);
    expect((await roster('licenses', '--role', 'janitor')).code).toBe(2);
  });
});

describe('messages speak CLI, not Slack', () => {
  it('names roster commands where the core names Slack ones', async () => {
    const notSetUp = await roster('licenses', '--workspace', 'T0NOPE');
    expect(notSetUp.code).toBe(1);
    expect(notSetUp.stderr).toMatch(/Create it with `roster setup --workspace <T…> --name <organization>`/);
    const channel = await roster('import-channel', 'add', 'general');
    expect(channel.stderr).toMatch(/Give a channel id/);
    for (const run of [notSetUp, channel]) expect(run.stderr).not.toMatch(/\/users|\/licenses|in a channel/);
  });
});

describe('the workspace', () => {
  it('is the one organization when --workspace is not given, and must be named when there are several', async () => {
    expect((await roster('licenses')).code).toBe(0);
    expect((await roster('setup', '--workspace', 'T0SECOND', '--name', 'Ünïcode GmbH')).stdout).toMatch(/\(unicodegmbh.onmicrosoft.com\)/);
    const which = await roster('licenses');
    expect(which.code).toBe(2);
    expect(which.stderr).toMatch(/--workspace <T…> is needed: the database holds several organizations \(T0SECOND, T0TEST\)/);
    expect((await roster('licenses', '--workspace', TEAM)).code).toBe(0);
  });
});

describe('roster completion', () => {
  it('prints a bash script that knows every command and its options; zsh loads it through bashcompinit', async () => {
    const bash = await roster('completion', 'bash');
    expect(bash.code).toBe(0);
    expect(bash.stdout).toContain('complete -F _roster roster');
    expect(bash.stdout).toMatch(/'users\.add'\) words='[^']*--display-name[^']*--output/);
    expect(bash.stdout).toMatch(/'licenses'\) words='[^']*assign[^']*'/);
    const zsh = await roster('completion', 'zsh');
    expect(zsh.stdout).toMatch(/bashcompinit/);
    expect((await roster('completion', 'fish')).code).toBe(2);
  });

  it.runIf(existsSync('/bin/bash'))('completes in bash: commands, subcommands and options', async () => {
    const script = (await roster('completion', 'bash')).stdout;
    const complete = (...words: string[]) =>
      execFileSync(
        '/bin/bash',
        ['-c', `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _roster; echo "\${COMPREPLY[*]}"`],
        {
          encoding: 'utf8',
        },
      ).trim();
    expect(complete('roster', 'users', 'a')).toBe('add');
    expect(complete('roster', 'users', 'add', 'ana', '--dis')).toBe('--display-name');
    expect(complete('roster', 'licenses', '').split(' ')).toContain('assign');
    expect(complete('roster', 'audit', '--s')).toBe('--since');
  });
});
