// OAuth tokens at rest: AES-256-GCM with a random 96-bit IV, the key version stored with the
// ciphertext, and AAD binding the ciphertext to its row and column (a ciphertext copied to
// another connection or into the other column does not decrypt).
// Format: "v{keyVersion}:{iv}:{tag}:{data}", each part base64url.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export type TokenColumn = 'access_token_enc' | 'refresh_token_enc';

/** A connection's token columns, or another secret column of another table (vendors' callback secret). */
export type TokenAad =
  | { connectionId: string; column: TokenColumn }
  | { table: 'vendors'; rowId: string; column: 'callback_secret_enc' };

export class TokenDecryptionError extends Error {
  constructor(reason: string) {
    // Never includes the ciphertext or the plaintext.
    super(`token could not be decrypted: ${reason}`);
    this.name = 'TokenDecryptionError';
  }
}

export interface TokenCipher {
  readonly currentVersion: number;
  encrypt(plaintext: string, aad: TokenAad): string;
  decrypt(ciphertext: string, aad: TokenAad): string;
  /** Key version of a ciphertext, or null when it is not in our format. */
  versionOf(ciphertext: string): number | null;
  /** True when the ciphertext was written with an older key and should be re-encrypted. */
  isStale(ciphertext: string): boolean;
}

const FORMAT = /^v(\d+):([A-Za-z0-9_-]+):([A-Za-z0-9_-]+):([A-Za-z0-9_-]*)$/;
const aadBytes = (aad: TokenAad) =>
  Buffer.from(
    'connectionId' in aad
      ? `lightspeed_connections:${aad.connectionId}:${aad.column}`
      : `${aad.table}:${aad.rowId}:${aad.column}`,
    'utf8',
  );

export function createTokenCipher(options: {
  currentKey: Buffer;
  currentVersion: number;
  /** Older keys by version, kept for reading during a rotation. */
  previousKeys?: ReadonlyMap<number, Buffer>;
}): TokenCipher {
  const keys = new Map<number, Buffer>(options.previousKeys ?? []);
  keys.set(options.currentVersion, options.currentKey);
  for (const [version, key] of keys) {
    if (key.length !== 32) throw new Error(`token encryption key v${version} must be 32 bytes`);
  }

  function versionOf(ciphertext: string): number | null {
    const match = FORMAT.exec(ciphertext);
    return match ? Number(match[1]) : null;
  }

  return {
    currentVersion: options.currentVersion,

    encrypt(plaintext, aad) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', options.currentKey, iv);
      cipher.setAAD(aadBytes(aad));
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return `v${options.currentVersion}:${iv.toString('base64url')}:${tag.toString('base64url')}:${data.toString('base64url')}`;
    },

    decrypt(ciphertext, aad) {
      const match = FORMAT.exec(ciphertext);
      if (!match) throw new TokenDecryptionError('unknown format');
      const version = Number(match[1]);
      const key = keys.get(version);
      if (!key) throw new TokenDecryptionError(`no key for version ${version}`);
      const iv = Buffer.from(match[2]!, 'base64url');
      const tag = Buffer.from(match[3]!, 'base64url');
      if (iv.length !== 12 || tag.length !== 16) throw new TokenDecryptionError('malformed');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
        decipher.setAAD(aadBytes(aad));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(Buffer.from(match[4]!, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new TokenDecryptionError('authentication failed (tampered, wrong key or wrong row)');
      }
    },

    versionOf,

    isStale(ciphertext) {
      return versionOf(ciphertext) !== options.currentVersion;
    },
  };
}

/** The settings the cipher reads (the adapter's own view of src/config.ts, which it never imports). */
export interface TokenCipherConfig {
  /** The current key, base64. */
  TOKEN_ENCRYPTION_KEY: string;
  TOKEN_ENCRYPTION_KEY_VERSION: number;
  TOKEN_ENCRYPTION_PREVIOUS_KEYS: ReadonlyMap<number, Buffer>;
}

export function tokenCipherFromConfig(config: TokenCipherConfig): TokenCipher {
  return createTokenCipher({
    currentKey: Buffer.from(config.TOKEN_ENCRYPTION_KEY, 'base64'),
    currentVersion: config.TOKEN_ENCRYPTION_KEY_VERSION,
    previousKeys: config.TOKEN_ENCRYPTION_PREVIOUS_KEYS,
  });
}
