/** Finding a username that appears twice in one file, while streaming its rows. */
import { upnKey } from '../rules/username.js';
import type { RowProblem } from './types.js';

/** Remembers the first row of each username; memory grows with the distinct usernames only. */
export class DuplicateUsernameTracker {
  private readonly firstRows = new Map<string, number>();

  /** The first row with the same username (compared case-insensitively), or undefined the first time. */
  see(userPrincipalName: string, rowNumber: number): number | undefined {
    const key = upnKey(userPrincipalName.trim());
    const first = this.firstRows.get(key);
    if (first !== undefined) return first;
    this.firstRows.set(key, rowNumber);
    return undefined;
  }

  get distinctUsernames(): number {
    return this.firstRows.size;
  }
}

export function duplicateUsernameProblem(column: string, firstRowNumber: number): RowProblem {
  return {
    column,
    message: `This username is also on row ${firstRowNumber}; each user can be in the file once. Remove one of the rows or change its username.`,
  };
}
