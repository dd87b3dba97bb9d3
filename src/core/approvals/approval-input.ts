import type { CoreContext } from '../context.js';
import { open, seal } from '../credentials/seal.js';

/**
 * A request's input when it holds a secret (a typed password): sealed with Roster's key
 * (AES-256-GCM), bound to the request's id, so the database never holds it in clear.
 */
const aad = (id: string) => `roster-approval:${id}`;

export function sealInput(ctx: CoreContext, id: string, input: unknown): string {
  if (!ctx.secretKey) throw new Error('Roster has no secret key to seal an approval request with.');
  const sealed = seal(ctx.secretKey(), JSON.stringify(input), aad(id));
  return JSON.stringify({ iv: sealed.iv.toString('base64'), tag: sealed.tag.toString('base64'), ciphertext: sealed.ciphertext.toString('base64') });
}

/** The stored input as the use case takes it, or null when it cannot be read (another key, damaged). */
export function openInput(ctx: CoreContext, id: string, stored: string, sealed: boolean): unknown {
  try {
    if (!sealed) return JSON.parse(stored);
    if (!ctx.secretKey) return null;
    const parts = JSON.parse(stored) as { iv: string; tag: string; ciphertext: string };
    const text = open(
      ctx.secretKey(),
      { iv: Buffer.from(parts.iv, 'base64'), tag: Buffer.from(parts.tag, 'base64'), ciphertext: Buffer.from(parts.ciphertext, 'base64') },
      aad(id),
    );
    return text === null ? null : JSON.parse(text);
  } catch {
    return null;
  }
}
