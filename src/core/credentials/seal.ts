import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SealedSecret } from '../../store/pending-credentials.js';

/**
 * AES-256-GCM with a random 96-bit IV per secret. The additional authenticated data binds the
 * ciphertext to its record (id and recipient): sealed bytes copied onto another row do not open.
 */
export function seal(key: Buffer, plaintext: string | Buffer, aad: string): SealedSecret {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const bytes = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  const ciphertext = Buffer.concat([cipher.update(bytes), cipher.final()]);
  return { ciphertext, iv, tag: cipher.getAuthTag() };
}

/** The plaintext, or null when the key, the record or the bytes are not the ones it was sealed with. */
export function open(key: Buffer, sealed: SealedSecret, aad: string): string | null {
  return openBytes(key, sealed, aad)?.toString('utf8') ?? null;
}

/** `open` for bytes that are not text. */
export function openBytes(key: Buffer, sealed: SealedSecret, aad: string): Buffer | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv, { authTagLength: 16 });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
  } catch {
    return null;
  }
}

export const credentialAad = (id: string, recipient: string) => `roster-credential:${id}:${recipient}`;
