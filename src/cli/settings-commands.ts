import { changeDomain, type DomainChange } from '../core/domains/change-domains.js';
import { listDomains } from '../core/domains/list-domains.js';
import { organizationSettings } from '../core/tenant/organization-settings.js';
import { setPasswordExpiry } from '../core/tenant/password-expiry.js';
import { deleteOrganization } from '../core/tenant/delete-organization.js';
import { EXIT, refuse } from './cli-kit.js';
import type { CommandRun, CommandSpec } from './command-tree.js';
import { RowWriter } from './output.js';

/** `roster settings [--password-expiry-days <n>]`: the organization's settings, or a new password expiry. */
async function settings(run: CommandRun): Promise<number> {
  const wanted = run.values['password-expiry-days'];
  if (typeof wanted === 'string') {
    const result = await setPasswordExpiry(run.ctx, run.actor, wanted);
    if (!result.ok) return refuse(run.problem, result, { passwordExpiryDays: '--password-expiry-days' });
    run.print(`Passwords now ${result.days === 0 ? 'never expire' : `expire after ${result.days} days`}.`);
    return EXIT.done;
  }
  const result = await organizationSettings(run.ctx, run.actor);
  if (!result.ok) return refuse(run.problem, result);
  const s = result.settings;
  const rows = new RowWriter(run.format, ['organization', 'passwordExpiryDays', 'seatWarningThreshold', 'auditRetentionDays'], run.write, (r) =>
    [
      `${r.organization}`,
      `  passwords expire after: ${r.passwordExpiryDays === 0 ? 'never' : `${r.passwordExpiryDays} days`}`,
      `  seat warning below:     ${r.seatWarningThreshold} seats`,
      `  audit records kept:     ${r.auditRetentionDays === null ? 'forever' : `${r.auditRetentionDays} days`}`,
    ].join('\n'),
  );
  rows.rows([
    {
      organization: s.organizationName,
      passwordExpiryDays: s.passwordExpiryDays,
      seatWarningThreshold: s.seatWarningThreshold,
      auditRetentionDays: s.auditRetentionDays,
    },
  ]);
  rows.end();
  return EXIT.done;
}

/** `roster organization delete --confirm <name>`: the organization and all of Roster's data about it, gone for good. */
async function deleteTheOrganization(run: CommandRun): Promise<number> {
  const dryRun = run.values['dry-run'] === true;
  const result = await deleteOrganization(run.ctx, run.actor, { confirm: String(run.values.confirm ?? ''), dryRun });
  if (!result.ok) return refuse(run.problem, result, { confirm: '--confirm' });
  run.print(
    dryRun
      ? `Would delete ${result.organizationName} (workspace ${run.actor.teamId}) and all of Roster's data about it; nothing was deleted (--dry-run).`
      : `Deleted ${result.organizationName} (workspace ${run.actor.teamId}) and all of Roster's data about it. A workspace owner or admin can set it up again with /users setup.`,
  );
  return EXIT.done;
}

async function domains(run: CommandRun): Promise<number> {
  const result = await listDomains(run.ctx, run.actor);
  if (!result.ok) return refuse(run.problem, result);
  const rows = new RowWriter(
    run.format,
    ['name', 'initial', 'default', 'verified', 'txtRecord'],
    run.write,
    (r) =>
      `${String(r.name).padEnd(40)} ${r.initial ? 'initial ' : ''}${r.default ? 'default ' : ''}${r.verified ? 'verified' : `not verified: TXT ${r.txtRecord}`}`,
  );
  rows.rows(result.domains.map((d) => ({ name: d.name, initial: d.isInitial, default: d.isDefault, verified: d.verified, txtRecord: d.verificationCode })));
  rows.end();
  return EXIT.done;
}

const DONE: Record<DomainChange, (name: string, txt: string | null) => string> = {
  add: (name, txt) => `Added ${name}. Publish a TXT record for ${name} with the value ${txt}, then: roster domains verify ${name}`,
  verify: (name) => `Verified ${name}: users can now have usernames on it.`,
  default: (name) => `${name} is now the default domain.`,
  remove: (name) => `Removed ${name}.`,
};

const domainChange =
  (what: DomainChange) =>
  async (run: CommandRun): Promise<number> => {
    const dryRun = run.values['dry-run'] === true;
    const result = await changeDomain(run.ctx, run.actor, what, run.args[0] ?? '', { dryRun });
    if (!result.ok) return refuse(run.problem, result, { domain: '<domain>' });
    run.print(`${dryRun ? '(dry run) ' : ''}${DONE[what](result.domain.name, result.domain.verificationCode)}`);
    return EXIT.done;
  };

export const SETTINGS_COMMANDS: CommandSpec[] = [
  {
    path: ['settings'],
    summary: "the organization's settings (password expiry, seat warning, audit retention); --password-expiry-days changes one",
    args: '[--password-expiry-days <n>]',
    positionals: { min: 0, max: 0 },
    options: {
      'password-expiry-days': { type: 'string', value: '<n>', help: 'passwords expire after this many days (1 to 730), or 0 for never (Global admins)' },
    },
    output: true,
    examples: ['roster settings', 'roster settings --password-expiry-days 0', 'roster settings --output json'],
    run: settings,
  },
  {
    path: ['domains'],
    summary: "the organization's domains: initial, default, verified, and the TXT record of those not verified yet",
    args: '',
    positionals: { min: 0, max: 0 },
    output: true,
    examples: ['roster domains', 'roster domains --output json'],
    run: domains,
  },
  ...(['add', 'verify', 'default', 'remove'] as const).map(
    (what): CommandSpec => ({
      path: ['domains', what],
      summary: {
        add: 'add a custom domain (not verified yet; prints the TXT record that proves you own it)',
        verify: 'mark a custom domain verified once its TXT record is published',
        default: 'make a verified domain the one offered first for new users',
        remove: 'remove a custom domain no user has a username on',
      }[what],
      args: '<domain>',
      positionals: { min: 1, max: 1 },
      dryRun: true,
      examples: [`roster domains ${what} contoso.com`],
      run: domainChange(what),
    }),
  ),
  {
    path: ['organization', 'delete'],
    summary: "delete the workspace's organization and all of Roster's data about it, for good (Global admins)",
    args: '--confirm <organization name>',
    positionals: { min: 0, max: 0 },
    options: {
      confirm: { type: 'string', value: '<name>', help: "the organization's name, typed again: nothing can bring it back" },
    },
    details:
      'Users, roles, licenses, subscriptions, domains, views, the audit, imports, jobs and temporary passwords waiting to be shown are deleted. Removing Roster from Slack keeps them; this deletes them. A connected Microsoft 365 tenant is not touched.',
    required: ['confirm'],
    dryRun: true,
    examples: ['roster organization delete --workspace T0123ABCD --confirm "Contoso Ltd"'],
    run: deleteTheOrganization,
  },
];
