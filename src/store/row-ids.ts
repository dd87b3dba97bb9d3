import { randomBytes } from 'node:crypto';

/**
 * Ids of rows written by the thousand (users, audit records): UUIDs of version 7 (RFC 9562), whose
 * first 48 bits are the time in ms and the rest random. Rows made together sort together, so the
 * primary-key index and every index that leads with a user id (search terms, license assignments,
 * a user's audit history) grow at their end instead of at random pages: an import batch writes
 * ~30% fewer pages to the WAL and commits faster (measured with a 20,000-row CLI import). They say
 * when a row was made, which the rows say anyway; ids that must not be guessed (held credentials)
 * stay random (`randomUUID`).
 */
export function timeOrderedId(now = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
