import type { Blocks } from '../slack-port.js';
import { esc, section } from './kit.js';

export const USERS_HELP = [
  '*Roster: users*',
  '`/users add`: add a user (or use the "Add a user" shortcut, or the App Home)',
  '`/users show <username>`: details, sign-in status, roles and licenses',
  '`/users import`: add many users from a CSV file. Or upload a `.csv` in the DM with Roster or in an import channel (or use "Import users from CSV" on its message): Roster checks every row, answers in the thread, and adds nobody until you choose the settings',
  '`/users import-channel add | remove | list`: choose the channels where Roster verifies shared CSV files (run it in the channel)',
  '`/users setup`: set up the organization (workspace owners and admins, once)',
  '`/licenses`: seats per product · `/licenses buy <product> <quantity>`: buy seats',
].join('\n');

export const LICENSES_HELP = [
  '*Roster: licenses*',
  '`/licenses`: each product with total, assigned and available seats',
  '`/licenses buy <product> <quantity>`: add seats. `<product>` is a part number (`O365_BUSINESS_ESSENTIALS`) or part of the name (`business basic`)',
].join('\n');

export function helpMessage(text: string, problem?: string): { text: string; blocks: Blocks } {
  const full = problem ? `${problem}\n\n${text}` : text;
  // The help names placeholders like <username>, and a problem may quote what was typed: escape both.
  return { text: esc(full), blocks: [section(esc(full))] };
}
