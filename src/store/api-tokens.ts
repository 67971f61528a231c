import type { Queryable } from './db.js';
import type { Role } from './users.js';

// Read-only API tokens for scripts. Only the hash is stored; the token itself is shown once, when
// it is created. A token acts as its user, so disabling the user stops the token too.

export interface ApiTokenRecord {
  id: number;
  userId: number;
  name: string;
  createdAt: Date;
}

export async function createApiToken(db: Queryable, token: { userId: number; name: string; tokenHash: string }): Promise<ApiTokenRecord> {
  const { rows } = await db.query<{ id: number; user_id: number; name: string; created_at: Date }>(
    `INSERT INTO api_tokens (user_id, name, token_hash) VALUES ($1, $2, $3) RETURNING id, user_id, name, created_at`,
    [token.userId, token.name, token.tokenHash],
  );
  const row = rows[0]!;
  return { id: row.id, userId: row.user_id, name: row.name, createdAt: row.created_at };
}

export interface ApiTokenHolder {
  tokenId: number;
  tokenName: string;
  user: { id: number; email: string; role: Role };
}

/** Whom a live token (not revoked, user enabled) acts for; records its use at most once a minute. */
export async function findApiTokenHolder(db: Queryable, tokenHash: string): Promise<ApiTokenHolder | undefined> {
  const { rows } = await db.query<{ token_id: number; token_name: string; user_id: number; email: string; role: Role }>(
    `WITH found AS (
       SELECT t.id AS token_id, t.name AS token_name, t.last_used_at, u.id AS user_id, u.email, u.role
       FROM api_tokens t JOIN users u ON u.id = t.user_id
       WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL
     ), touched AS (
       UPDATE api_tokens t SET last_used_at = now()
       FROM found f
       WHERE t.id = f.token_id AND (f.last_used_at IS NULL OR f.last_used_at < now() - interval '1 minute')
     )
     SELECT token_id, token_name, user_id, email, role FROM found`,
    [tokenHash],
  );
  const row = rows[0];
  return row ? { tokenId: row.token_id, tokenName: row.token_name, user: { id: row.user_id, email: row.email, role: row.role } } : undefined;
}

export interface ApiTokenListing extends ApiTokenRecord {
  email: string;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

interface ApiTokenListingRow {
  id: number;
  user_id: number;
  name: string;
  created_at: Date;
  email: string;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const toListing = (row: ApiTokenListingRow): ApiTokenListing => ({
  id: row.id,
  userId: row.user_id,
  name: row.name,
  createdAt: row.created_at,
  email: row.email,
  lastUsedAt: row.last_used_at,
  revokedAt: row.revoked_at,
});

/** Every token (revoked ones too, so a leak can be traced), oldest first; only one user's when given. */
export async function listApiTokens(db: Queryable, filter: { userId?: number } = {}): Promise<ApiTokenListing[]> {
  const { rows } = await db.query<ApiTokenListingRow>(
    `SELECT t.id, t.user_id, t.name, t.created_at, u.email, t.last_used_at, t.revoked_at
     FROM api_tokens t JOIN users u ON u.id = t.user_id
     WHERE $1::bigint IS NULL OR t.user_id = $1
     ORDER BY t.id`,
    [filter.userId ?? null],
  );
  return rows.map(toListing);
}

/**
 * Revokes a token: it stops working at once (every request looks it up). Returns it as it now is,
 * revoked when it already was (the first revocation time is kept); undefined when there is no such token.
 */
export async function revokeApiToken(db: Queryable, tokenId: number): Promise<ApiTokenListing | undefined> {
  const { rows } = await db.query<ApiTokenListingRow>(
    `WITH revoked AS (
       UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1
       RETURNING id, user_id, name, created_at, last_used_at, revoked_at
     )
     SELECT r.*, u.email FROM revoked r JOIN users u ON u.id = r.user_id`,
    [tokenId],
  );
  return rows[0] ? toListing(rows[0]) : undefined;
}
