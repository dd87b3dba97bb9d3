import { purgeDeletedUser } from '../core/users/purge-user.js';
import { addUser } from '../core/users/add-user.js';
import type { NewUserReview } from '../core/users/new-user-review.js';
import { addUserOptions } from '../core/users/add-user-options.js';
import { findProduct } from '../core/catalogue/find-product.js';
import { deleteUsers } from '../core/users/delete-users.js';
import { inviteGuest } from '../core/users/invite-guest.js';
import { listDeletedUsers, restoreUser } from '../core/users/restore-user.js';
import { showUser, type UserDetails } from '../core/users/show-user.js';
import { isRole, ROLE_IDS } from '../core/roles.js';
import { cliSentence, EXIT, readInput, refuse, usageError } from './cli-kit.js';
import type { CommandRun, CommandSpec } from './command-tree.js';
import { RowWriter, summaryPrinter, writeRecord, type Row } from './output.js';
import { fullUsernames } from './resolve-users.js';
import { turnAppsOff } from './apps-off.js';
import { FIELD_OPTION_SPECS, FIELD_OPTIONS } from './users-edit-commands.js';

const dry = (run: CommandRun) => (run.values['dry-run'] ? '(dry run) ' : '');
const list = (value: unknown) =>
  Array.isArray(value)
    ? value
        .flatMap((v: string) => v.split(','))
        .map((v) => v.trim())
        .filter(Boolean)
    : [];

async function add(run: CommandRun): Promise<number> {
  const { values } = run;
  const [alias = '', domainGiven] = run.args[0]!.split('@');
  let domain = domainGiven;
  if (!domain) {
    const options = await addUserOptions(run.ctx, run.actor);
    if (!options.ok) return refuse(run.problem, options);
    domain = options.options.initialDomain;
  }
  const licenses = [];
  for (const name of list(values.license)) {
    const found = findProduct(name);
    if (!found.ok) return usageError(run.problem, `--license ${name}: ${found.message}`);
    licenses.push({ skuId: found.product.skuId, disabledPlans: [] as string[] });
  }
  const appsOff = turnAppsOff(licenses, values['apps-off'], '--license');
  if (!appsOff.ok) return usageError(run.problem, appsOff.message);
  const roles = list(values['admin-role']);
  const badRole = roles.find((r) => !isRole(r));
  if (badRole) return usageError(run.problem, `--admin-role ${badRole}: one of ${ROLE_IDS.join(', ')}`);
  const profile: Record<string, string> = {};
  for (const [option, field] of Object.entries(FIELD_OPTIONS)) if (typeof values[option] === 'string') profile[field] = values[option];
  const input = {
    ...profile,
    alias,
    domain,
    password:
      typeof values['password-file'] === 'string'
        ? { mode: 'custom' as const, value: readInput(values['password-file']).replace(/\r?\n$/, '') }
        : { mode: 'auto' as const },
    requirePasswordChange: values['no-require-change'] !== true,
    licenses,
    roles,
    ...(typeof values['usage-location'] === 'string' ? { usageLocation: values['usage-location'] } : {}),
    ...(typeof values['alternate-email'] === 'string' ? { alternateEmail: values['alternate-email'] } : {}),
    ...(typeof values['slack-user'] === 'string' ? { slackUserId: values['slack-user'] } : {}),
    ...(typeof values['start-date'] === 'string' ? { startDate: values['start-date'] } : {}),
    credentialRecipients: list(values['send-credentials-to']),
  };
  const flags = {
    startDate: '--start-date',
    credentialRecipients: '--send-credentials-to',
    password: '--password-file',
    alias: '<username>',
    domain: '<username>',
    displayName: '--display-name',
    usageLocation: '--usage-location',
    licenses: '--license',
    roles: '--admin-role',
  };
  if (values['dry-run']) {
    // The rehearsal applies every rule the real run does (seats and the username included), then rolls back.
    const rehearsal = await addUser(run.ctx, run.actor, input, { dryRun: true });
    if (!rehearsal.ok) return refuse(run.problem, rehearsal, flags);
    const names = rehearsal.review.licenses.map((l) => l.product);
    run.print(`(dry run) ${rehearsal.userPrincipalName} can be added${names.length ? ` with ${names.join(', ')}` : ''}:`);
    for (const line of reviewLines(rehearsal.review)) run.print(line);
    return EXIT.done;
  }
  const result = await addUser(run.ctx, run.actor, input);
  if (!result.ok) return refuse(run.problem, result, flags);
  const { notice, start } = result;
  if (start || !notice) {
    writeRecord(
      run.format,
      {
        userPrincipalName: result.userPrincipalName,
        displayName: result.displayName,
        temporaryPassword: null,
        startDate: start?.startDate ?? null,
        startsAt: start?.runAt.toISOString() ?? null,
        scheduledChange: start?.jobId ?? null,
        credentialsTo: result.credentialRecipients,
        licensesOnStart: start?.licenses ?? [],
        roles: result.roles,
      },
      run.write,
      () => [
        `Added ${result.displayName} as ${result.userPrincipalName}, starting on ${start?.startDate} (${start?.runAt.toISOString()}, the organization's hour in ${start?.timeZone}).`,
        `Sign-in is blocked and no password is given until then. On that day: sign-in allowed${start?.licenses.length ? `, ${start.licenses.join(', ')} assigned` : ''}, and a new temporary password sent by Slack DM to ${result.credentialRecipients.join(', ')}.`,
        `Scheduled change ${start?.jobId}; \`roster users scheduled --change ${start?.jobId} --start-date <YYYY-MM-DD>\` moves it, \`--cancel ${start?.jobId}\` cancels it.`,
      ],
    );
    return EXIT.done;
  }
  // A generated password is shown once; a chosen one (--password-file) is not repeated.
  const chosen = typeof values['password-file'] === 'string';
  writeRecord(
    run.format,
    {
      userPrincipalName: notice.userPrincipalName,
      displayName: notice.displayName,
      temporaryPassword: chosen ? null : notice.temporaryPassword,
      mustChangeAtNextSignIn: notice.mustChangeAtNextSignIn,
      passwordExpiresAt: notice.passwordExpiresAt?.toISOString() ?? null,
      licenses: notice.licenses,
      roles: result.roles,
    },
    run.write,
    () => [
      `Added ${notice.displayName} as ${notice.userPrincipalName}${notice.licenses.length ? ` with ${notice.licenses.join(', ')}` : ''}.`,
      chosen
        ? `Their password is the one ${values['password-file'] === '-' ? 'given' : `in ${values['password-file']}`}.`
        : `Temporary password (shown once, ${notice.mustChangeAtNextSignIn ? 'to be changed at the first sign-in' : 'kept until changed'}): ${notice.temporaryPassword}`,
    ],
  );
  return EXIT.done;
}

/** What `users add --dry-run` would create, as the Slack form's review shows it (never a password). */
function reviewLines(review: NewUserReview): string[] {
  const line = (label: string, value: string) => `  ${label.padEnd(18)} ${value}`;
  return [
    line('display name', review.displayName),
    ...(review.firstName ? [line('first name', review.firstName)] : []),
    ...(review.lastName ? [line('last name', review.lastName)] : []),
    line('sign-in', review.signInAllowed ? 'allowed' : `blocked until the start date, ${review.startDate} (${review.startsAt?.toISOString()})`),
    line('password', review.password === 'generated' ? 'generated (printed once when the user is added)' : 'set by you (--password-file)'),
    line('change at sign-in', review.mustChangeAtNextSignIn ? 'required' : 'not required'),
    line('password expires', review.passwordExpiresAt ? review.passwordExpiresAt.toISOString() : 'never'),
    line('usage location', review.usageLocation ?? '(none)'),
    line(
      'licenses',
      review.licenses.map((l) => `${l.product}${l.appsOff.length ? ` (off: ${l.appsOff.join(', ')})` : ''}`).join('; ') || '(none: added without a license)',
    ),
    line('roles', review.roles.join(', ') || '(none)'),
    ...(review.alternateEmail ? [line('alternate email', review.alternateEmail)] : []),
    ...(review.slackUserId ? [line('slack account', review.slackUserId)] : []),
    ...review.profile.map((p) => line(p.label.toLowerCase(), p.value)),
  ];
}

/** `users show` as one record: the documented field names of `--output json`. */
export function userRecord(u: UserDetails): Row {
  return {
    userPrincipalName: u.userPrincipalName,
    displayName: u.displayName,
    ...Object.fromEntries(Object.entries(u.profile).map(([k, v]) => [k, v ?? null])),
    alternateEmail: u.alternateEmail,
    usageLocation: u.usageLocation,
    userType: u.userType,
    source: u.source,
    slackUserId: u.slackUserId,
    signInAllowed: u.signIn.allowed,
    startDate: u.startDate,
    startsAt: u.startsAt?.toISOString() ?? null,
    lastSignInAt: u.signIn.lastSignInAt?.toISOString() ?? null,
    passwordExpiresAt: u.signIn.passwordExpiresAt?.toISOString() ?? null,
    passwordPolicyOf: u.signIn.passwordPolicyOf,
    mustChangePassword: u.signIn.mustChangePassword,
    roles: u.roles,
    licenses: u.licenses.map((l) => l.partNumber),
    mailbox: u.mailbox.state,
    manager: u.manager?.userPrincipalName ?? null,
    directReports: u.directReports.count,
    createdAt: u.createdAt.toISOString(),
  };
}

async function show(run: CommandRun): Promise<number> {
  const result = await showUser(run.ctx, run.actor, run.args.join(' '));
  if (!result.ok) return refuse(run.problem, result);
  const u = result.user;
  writeRecord(run.format, userRecord(u), run.write, () => [
    `${u.displayName} <${u.userPrincipalName}>${u.source === 'synced' ? ' (synchronized from on-premises AD)' : ''}${u.userType === 'Guest' ? ' (guest)' : ''}`,
    ...Object.entries(u.profile)
      .filter(([, v]) => v)
      .map(([k, v]) => `  ${k.padEnd(16)} ${v}`),
    `  sign-in          ${u.signIn.allowed ? 'allowed' : u.startsAt ? `blocked until the start date, ${u.startDate} (${u.startsAt.toISOString()})` : 'blocked'}${
      u.signIn.lastSignInAt
        ? `, last ${u.signIn.lastSignInAt.toISOString()}`
        : u.signIn.lastSignInKnown
          ? ''
          : ', last sign-in not read (roster connect --status)'
    }`,
    `  usage location   ${u.usageLocation ?? '(none)'}`,
    `  roles            ${u.roles.join(', ') || '(none)'}`,
    `  licenses         ${u.licenses.map((l) => `${l.productName}${l.disabledApps.length ? ` (off: ${l.disabledApps.join(', ')})` : ''}`).join('; ') || '(none)'}`,
    `  mailbox          ${u.mailbox.state}${u.mailbox.graceEndsAt ? ` until ${u.mailbox.graceEndsAt.toISOString().slice(0, 10)}` : ''}`,
    `  manager          ${u.manager ? `${u.manager.userPrincipalName}${u.manager.deleted ? ' (deleted)' : ''}` : '(none)'}`,
    ...(u.directReports.count
      ? [
          `  direct reports   ${u.directReports.count} (${u.directReports.first.join(', ')}${u.directReports.count > u.directReports.first.length ? ', …' : ''})`,
        ]
      : []),
    ...(u.history.length ? ['  latest changes:', ...u.history.map((h) => `    ${h.at.toISOString()}  ${h.actor}  ${h.summary}`)] : []),
  ]);
  return EXIT.done;
}

async function remove(run: CommandRun): Promise<number> {
  const usernames = await fullUsernames(run.ctx, run.actor, run.args);
  const result = await deleteUsers(run.ctx, run.actor, { usernames }, { dryRun: run.values['dry-run'] === true });
  if (!result.ok) return refuse(run.problem, result);
  if (run.format === 'text') {
    for (const u of result.deleted) run.print(`${dry(run)}deleted      ${u.userPrincipalName}${u.licenses.length ? ` (freed ${u.licenses.join(', ')})` : ''}`);
    for (const n of result.notDeleted) run.problem(`not deleted  ${n.name}: ${cliSentence(n.reason)}`);
  } else {
    const rows = new RowWriter(run.format, ['userPrincipalName', 'deleted', 'licensesFreed', 'reason'], run.write, () => '');
    rows.rows(result.deleted.map((u) => ({ userPrincipalName: u.userPrincipalName, deleted: true, licensesFreed: u.licenses, reason: null })));
    rows.rows(result.notDeleted.map((n) => ({ userPrincipalName: n.name, deleted: false, licensesFreed: [], reason: cliSentence(n.reason) })));
    rows.end();
  }
  if (result.notDeleted.length === 0) return EXIT.done;
  run.problem(`${result.notDeleted.length} of ${result.deleted.length + result.notDeleted.length} users not deleted.`);
  return EXIT.refused;
}

async function deleted(run: CommandRun): Promise<number> {
  const result = await listDeletedUsers(run.ctx, run.actor, 200);
  if (!result.ok) return refuse(run.problem, result);
  const rows = new RowWriter(
    run.format,
    ['userPrincipalName', 'displayName', 'deletedAt', 'daysLeft', 'licenses'],
    run.write,
    (r) => `${r.userPrincipalName}  ${r.daysLeft} days left`,
  );
  rows.rows(
    result.users.map((u) => ({
      userPrincipalName: u.userPrincipalName,
      displayName: u.displayName,
      deletedAt: u.deletedAt.toISOString(),
      daysLeft: u.daysLeft,
      licenses: u.licenses,
    })),
  );
  rows.end();
  summaryPrinter(run.format, run.print, run.problem)(`${result.count} deleted user${result.count === 1 ? '' : 's'}.`);
  return EXIT.done;
}

/** `users purge`: the admin center's "Delete permanently", confirmed by typing the username again. */
async function purge(run: CommandRun): Promise<number> {
  const dryRun = run.values['dry-run'] === true;
  const result = await purgeDeletedUser(run.ctx, run.actor, { user: run.args[0] ?? '', confirm: String(run.values.confirm ?? ''), dryRun });
  if (!result.ok) return refuse(run.problem, result, { confirm: '--confirm' });
  run.print(`${dryRun ? '(dry run) ' : ''}Removed ${result.userPrincipalName} for good: it can no longer be restored.`);
  return EXIT.done;
}

async function restore(run: CommandRun): Promise<number> {
  const alias = typeof run.values.alias === 'string' ? run.values.alias : undefined;
  const dryRun = run.values['dry-run'] === true;
  const result = await restoreUser(run.ctx, run.actor, { user: run.args.join(' '), ...(alias ? { alias } : {}), dryRun });
  if (!result.ok) return refuse(run.problem, result);
  run.print(
    `${dry(run)}Restored ${result.notice.userPrincipalName}${dryRun ? '' : `; temporary password (shown once, must be changed at next sign-in): ${result.notice.temporaryPassword}`}`,
  );
  if (result.licensesGiven.length) run.print(`Licenses given back: ${result.licensesGiven.join(', ')}`);
  for (const l of result.licensesNotGiven) run.print(`Not given back: ${l.product}: ${l.reason}`);
  if (result.slackLinkDropped) run.print('Their Slack account is now linked to another user, so the restored user has none.');
  return EXIT.done;
}

async function invite(run: CommandRun): Promise<number> {
  const name = typeof run.values.name === 'string' ? run.values.name : undefined;
  const result = await inviteGuest(run.ctx, run.actor, { email: run.args[0]!, ...(name ? { displayName: name } : {}), dryRun: run.values['dry-run'] === true });
  if (!result.ok) return refuse(run.problem, result);
  run.print(`${dry(run)}Invited guest ${result.displayName} as ${result.userPrincipalName}.`);
  return EXIT.done;
}

export const USERS_COMMANDS: CommandSpec[] = [
  {
    path: ['users', 'add'],
    summary: 'add a user with a generated temporary password (printed once)',
    args: '<username>',
    positionals: { min: 1, max: 1 },
    details: 'The username is alias@domain; an alias alone takes the initial domain.',
    options: {
      ...FIELD_OPTION_SPECS,
      license: { type: 'string', multiple: true, value: '<product>', help: 'a product to assign (part number or part of its name)' },
      'apps-off': { type: 'string', value: '<app,...>', help: 'apps to turn off in the products of --license (service plan names such as TEAMS1, or ids)' },
      'admin-role': { type: 'string', multiple: true, value: '<role>', help: 'an admin role to give (Global admin only)' },
      'alternate-email': { type: 'string', value: '<address>', help: 'where a password reset can be sent' },
      'slack-user': { type: 'string', value: '<U…>', help: 'link to this Slack member, so their roles apply in Slack' },
      'password-file': { type: 'string', value: '<file|->', help: 'the password in this file, or on standard input with - (default: generated)' },
      'no-require-change': { type: 'boolean', help: 'do not ask for a new password at the first sign-in' },
      'start-date': {
        type: 'string',
        value: '<YYYY-MM-DD>',
        help: "the first day, in the organization's time zone: the account is made now with sign-in blocked; on that day at the organization's hour sign-in is allowed, the licenses assigned and a new password sent (today: now)",
      },
      'send-credentials-to': {
        type: 'string',
        multiple: true,
        value: '<U…>',
        help: 'a Slack member to DM the credentials to (with a Show password button); needed with --start-date',
      },
    },
    dryRun: true,
    output: true,
    examples: [
      'roster users add dee@contoso.com --display-name "Dee" --usage-location NL --license "business basic" --start-date 2027-03-01 --send-credentials-to U0MANAGER',
      'roster users add ana@contoso.com --display-name "Ana Maria" --usage-location NL --license "business basic"',
      'roster users add bo --display-name "Bo Li" --output json   # the password in a json object',
      'roster users add cy --display-name "Cy" --usage-location NL --license "business basic" --apps-off TEAMS1 --dry-run   # what would be created',
    ],
    run: add,
  },
  {
    path: ['users', 'show'],
    summary: "a user's details: profile, sign-in, roles, licenses, mailbox and latest changes",
    args: '<username>',
    positionals: { min: 1, max: 1 },
    output: true,
    examples: ['roster users show ana@contoso.com', 'roster users show ana --output json'],
    run: show,
  },
  {
    path: ['users', 'delete'],
    summary: 'delete users (kept 30 days; their licenses are freed and remembered)',
    args: '<username>...',
    positionals: { min: 1, max: Number.POSITIVE_INFINITY },
    dryRun: true,
    output: true,
    examples: ['roster users delete ana@contoso.com bo', 'roster users delete ana --dry-run'],
    run: remove,
  },
  {
    path: ['users', 'deleted'],
    summary: 'deleted users, with the days left to restore them',
    args: '',
    positionals: { min: 0, max: 0 },
    output: true,
    examples: ['roster users deleted', 'roster users deleted --output csv'],
    run: deleted,
  },
  {
    path: ['users', 'restore'],
    summary: 'restore a deleted user with a new temporary password (printed once); licenses back where seats allow',
    args: '<username>',
    positionals: { min: 1, max: 1 },
    options: { alias: { type: 'string', value: '<alias>', help: 'restore under a new alias (when the old username is taken)' } },
    dryRun: true,
    examples: ['roster users restore ana@contoso.com', 'roster users restore ana@contoso.com --alias ana.m'],
    run: restore,
  },
  {
    path: ['users', 'purge'],
    summary: 'remove a deleted user for good now, before their 30 days (Global admins; --confirm repeats the username)',
    args: '<username>',
    positionals: { min: 1, max: 1 },
    options: { confirm: { type: 'string', value: '<username>', help: 'the same username again: nobody can restore the user afterwards' } },
    required: ['confirm'],
    dryRun: true,
    examples: ['roster users purge ana@contoso.com --confirm ana@contoso.com'],
    run: purge,
  },
  {
    path: ['users', 'invite'],
    summary: 'invite a guest by email address',
    args: '<email>',
    positionals: { min: 1, max: 1 },
    options: { name: { type: 'string', value: '<display name>', help: "the guest's display name (default: from the address)" } },
    dryRun: true,
    examples: ['roster users invite ana@fabrikam.com --name "Ana Maria"'],
    run: invite,
  },
];
