import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyFilePath, loadOrCreateKeyFile, parseSecretKey, SecretKeyProblem } from '../../src/core/credentials/secret-key.js';
import { credentialAad, open, seal } from '../../src/core/credentials/seal.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'roster-key-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the key file beside the database', () => {
  it('is created with mode 0600 and read back the same on the next start', () => {
    const file = keyFilePath(path.join(dir, 'roster.db'));
    expect(file).toBe(path.join(dir, 'roster.db.secret-key'));
    const first = loadOrCreateKeyFile(file);
    expect(first.length).toBe(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateKeyFile(file).equals(first)).toBe(true);
    expect(parseSecretKey(readFileSync(file, 'utf8'))?.equals(first)).toBe(true);
  });

  it('is never followed through a symlink, even one pointing at a missing file', () => {
    const target = path.join(dir, 'elsewhere');
    const file = path.join(dir, 'roster.db.secret-key');
    symlinkSync(target, file);
    expect(() => loadOrCreateKeyFile(file)).toThrow(SecretKeyProblem);
    expect(() => loadOrCreateKeyFile(file)).toThrow(/symbolic link/);
    expect(() => statSync(target)).toThrow();
  });

  it('refuses a key file others can read, and one that holds no key, saying what to do', () => {
    const file = path.join(dir, 'k');
    writeFileSync(file, Buffer.alloc(32, 3).toString('base64'), { mode: 0o600 });
    chmodSync(file, 0o644);
    expect(() => loadOrCreateKeyFile(file)).toThrow(/can be read by other accounts .*chmod 600/);
    chmodSync(file, 0o600);
    writeFileSync(file, 'nonsense');
    expect(() => loadOrCreateKeyFile(file)).toThrow(/does not hold a key/);
  });
});

describe('sealing', () => {
  const key = Buffer.alloc(32, 5);
  it('opens only with the same key and the same record (id and recipient)', () => {
    const sealed = seal(key, 'Secret-Pa55!', credentialAad('id1', 'U1'));
    expect(sealed.iv.length).toBe(12);
    expect(sealed.ciphertext.includes(Buffer.from('Secret'))).toBe(false);
    expect(open(key, sealed, credentialAad('id1', 'U1'))).toBe('Secret-Pa55!');
    expect(open(key, sealed, credentialAad('id1', 'U2'))).toBeNull();
    expect(open(key, sealed, credentialAad('id2', 'U1'))).toBeNull();
    expect(open(Buffer.alloc(32, 6), sealed, credentialAad('id1', 'U1'))).toBeNull();
    expect(open(key, { ...sealed, tag: sealed.tag.subarray(0, 8) }, credentialAad('id1', 'U1'))).toBeNull();
  });

  it('uses a fresh IV for every secret', () => {
    const a = seal(key, 'same', 'x');
    const b = seal(key, 'same', 'x');
    expect(a.iv.equals(b.iv)).toBe(false);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
  });
});
