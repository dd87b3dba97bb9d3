import type { Blocks } from '../slack-port.js';
import { esc, section } from './kit.js';

export const USERS_HELP = [
  '*Roster: users*',
  '`/users add`: add a user (or use the "Add a user" shortcut, or the App Home)',
  '`/users add-many`: add up to 10 users in one form, each with a product or none (or "Add several users" in the Add user form)',
  '`/users show <username>`: details, sign-in status, roles and licenses',
  '`/users edit <username>`: edit details, sign-in, roles, licenses and username · `/users edit-many`: edit many users at once',
  '`/users block <username>` · `/users unblock <username>` · `/users reset-password <username>`',
  '`/users list [view]`: a page of users by display name (All users, Licensed users, Guest users, Sign-in blocked, Users with errors, Global admins… or a custom view), with Next and Previous',
  '`/users find <text>`: users whose name, username or alias starts with it · `/users views`: custom views · `/users export [view]`: the view as a CSV in a DM',
  '`/users offboard <username>`: schedule an offboarding on the last day (sign-in blocked, password reset, licenses removed, optionally deleted N days later) · `/users scheduled`: the scheduled changes, with Change and Cancel',
  "`/users policy`: which changes need a second admin's approval (Global admins) · `/users approvals`: the requests waiting, with Approve / Deny (or Cancel for your own)",
  '`/users delete <username>...`: delete users (kept 30 days) · `/users deleted`: list them · `/users restore <username>`: bring one back · `/users purge <username>`: remove a deleted user for good now (Global admins)',
  '`/users invite <email> [display name]`: add a guest',
  '`/users import`: add many users from a CSV file. Or upload a `.csv` in the DM with Roster or in an import channel (or use "Import users from CSV" on its message): Roster checks every row, answers in the thread, and adds nobody until you choose the settings',
  '`/users import-channel add | remove | list`: choose the channels where Roster verifies shared CSV files (run it in the channel)',
  '`/users jobs`: running and recent imports, Edit users, exports and license changes, with Cancel for your own',
  '`/users audit [user:<username>] [by:<username>] [action:user.delete] [since:7d] [until:2026-11-01]`: who changed what, newest first · `/users audit retention <days|forever>`: how long records are kept',
  "`/users domains`: the organization's domains · `/users domains add|verify|default|remove <domain>`: manage them (Global admins)",
  '`/users settings`: password expiry, seat warning, audit retention, time zone · `/users settings password-expiry <days|never>`, `timezone <zone>`, `schedule-hour <0-23>` (Global admins)',
  "`/users connect`: connect the organization to a Microsoft 365 tenant (Global admins), or see the connection · `/users sync`: read the tenant's changes now · `/users link <user> <member>`: link a Slack member to a tenant user by hand (Global admins; members are linked by email at each sync)",
  '`/users setup`: set up the organization (workspace owners and admins, once)',
  '`/licenses`: seats per product · `/licenses buy <product> <quantity>`: buy seats',
].join('\n');

export const LICENSES_HELP = [
  '*Roster: licenses*',
  '`/licenses`: each product with total, assigned and available seats',
  '`/licenses buy <product> <quantity>`: add seats. `<product>` is a part number (`O365_BUSINESS_ESSENTIALS`) or part of the name (`business basic`)',
  '`/licenses warn <seats>`: the seat warning: the App Home warns, and the admins get one alert, when fewer seats of a product are left (Global admins; 0 for never)',
  "`/licenses alerts`: each product's seat alert · `/licenses alerts set <product> <seats>` · `remove <product>` · `channel here|admins` · `digest monday 9|off` (UTC) (Global and Billing admins)",
  '`/licenses price <product> <amount> <currency>`: what a seat costs a month (or `none`) · `/licenses reclaim`: blocked (or, on a connected tenant, inactive) users who hold licenses, with Keep, Reclaim and Reclaim all · `/licenses reclaim keep-days <days>` · `/licenses reclaim inactive-days <days>`',
  '`/licenses assign <product>` · `/licenses unassign <product>`: pick up to 20 users, see what was done and why not',
  '`/licenses users <product>`: who has it · `/licenses set <product> <quantity>`: change the seats · `/licenses takeover <product>`: take over a self-service subscription',
].join('\n');

export function helpMessage(text: string, problem?: string): { text: string; blocks: Blocks } {
  const full = problem ? `${problem}\n\n${text}` : text;
  // The help names placeholders like <username>, and a problem may quote what was typed: escape both.
  return { text: esc(full), blocks: [section(esc(full))] };
}
