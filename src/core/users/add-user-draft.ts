import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { openBytes, seal } from '../credentials/seal.js';
import { addUserInputSchema, type AddUserInput, type ParsedAddUserInput } from './add-user-input.js';

/** Whose draft it is: only the admin who filled in the form can go back to it or finish it. */
export interface DraftOwner {
  teamId: string;
  slackUserId: string;
}

const IV = 12;
const TAG = 16;
const aad = (owner: DraftOwner) => `roster-add-user-draft:${owner.teamId}:${owner.slackUserId}`;

/** How long a review can be finished or gone back from: it may carry a password the admin typed. */
export const DRAFT_LIFETIME_MS = 60 * 60 * 1000;

/**
 * The Add user wizard's answers between its steps (the review's Back and Finish), as a text a
 * form can carry: compressed, then sealed with Roster's key (AES-256-GCM, see seal.ts) and bound
 * to the admin, because the answers may hold the password the admin chose. Whoever holds the text
 * reads nothing of it, and it opens only for the same admin with the same key, for an hour.
 */
export function sealAddUserDraft(key: Buffer, input: AddUserInput, owner: DraftOwner, now: Date): string {
  const draft = { sealedAt: now.getTime(), input };
  const sealed = seal(key, deflateRawSync(Buffer.from(JSON.stringify(draft), 'utf8')), aad(owner));
  return Buffer.concat([sealed.iv, sealed.tag, sealed.ciphertext]).toString('base64url');
}

/**
 * The answers sealed by `sealAddUserDraft`, or null when they were sealed for someone else, with
 * another key, changed, or more than DRAFT_LIFETIME_MS ago.
 */
export function openAddUserDraft(key: Buffer, text: string, owner: DraftOwner, now: Date): ParsedAddUserInput | null {
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.length <= IV + TAG) return null;
  const opened = openBytes(key, { iv: bytes.subarray(0, IV), tag: bytes.subarray(IV, IV + TAG), ciphertext: bytes.subarray(IV + TAG) }, aad(owner));
  if (!opened) return null;
  try {
    const draft = JSON.parse(inflateRawSync(opened).toString('utf8')) as { sealedAt?: unknown; input?: unknown };
    if (typeof draft.sealedAt !== 'number' || now.getTime() - draft.sealedAt > DRAFT_LIFETIME_MS || draft.sealedAt > now.getTime() + 60_000) return null;
    const parsed = addUserInputSchema.safeParse(draft.input);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
