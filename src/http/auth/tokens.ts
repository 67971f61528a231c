import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// Session and API tokens are 256 random bits, so a fast hash is enough at rest: nobody can guess
// them, and a leaked table holds only hashes, which open nothing.

export const API_TOKEN_PREFIX = 'gs_';

const randomToken = () => randomBytes(32).toString('base64url');

export const newSessionToken = randomToken;
export const newCsrfToken = randomToken;
export const newApiToken = () => `${API_TOKEN_PREFIX}${randomToken()}`;

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Looks like a token we could have issued: cheap shape check before touching the database. */
export const isWellFormedApiToken = (value: string) => /^gs_[A-Za-z0-9_-]{43}$/.test(value);
export const isWellFormedSessionToken = (value: string) => /^[A-Za-z0-9_-]{43}$/.test(value);

/** Constant-time string comparison (lengths may differ; that alone is not secret). */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
