import type { Queryable } from './db.js';
import type { Role } from './users.js';

// Browser sessions. The cookie carries a random token; only its hash is stored, so a leaked table
// opens no sessions. A session expires after `idleMs` without use, and in any case `maxMs` after it
// began; each use (at most once a minute, to keep reads cheap) pushes the idle expiry forward.

export interface SessionLifetime {
  idleMs: number;
  maxMs: number;
}

export interface ActiveSession {
  tokenHash: string;
  csrfToken: string;
  expiresAt: Date;
  user: { id: number; email: string; role: Role };
}

export async function createSession(
  db: Queryable,
  session: { tokenHash: string; userId: number; csrfToken: string; userAgent: string | null; lifetime: SessionLifetime },
): Promise<{ expiresAt: Date }> {
  const { rows } = await db.query<{ expires_at: Date }>(
    `INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at, user_agent)
     VALUES ($1, $2, $3, now() + $4 * interval '1 millisecond', $5)
     RETURNING expires_at`,
    [session.tokenHash, session.userId, session.csrfToken, Math.min(session.lifetime.idleMs, session.lifetime.maxMs), session.userAgent?.slice(0, 512) ?? null],
  );
  return { expiresAt: rows[0]!.expires_at };
}

/** The live session for a token hash, with its (enabled) user; extends the idle expiry. */
export async function findActiveSession(db: Queryable, tokenHash: string, lifetime: SessionLifetime): Promise<ActiveSession | undefined> {
  const { rows } = await db.query<{ token_hash: string; csrf_token: string; expires_at: Date; user_id: number; email: string; role: Role }>(
    `WITH found AS (
       SELECT s.token_hash, s.csrf_token, s.expires_at, s.created_at, s.last_seen_at, u.id AS user_id, u.email, u.role
       FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.token_hash = $1 AND s.expires_at > now() AND u.disabled_at IS NULL
     ), touched AS (
       UPDATE sessions s
       SET last_seen_at = now(),
           expires_at = LEAST(f.created_at + $3 * interval '1 millisecond', now() + $2 * interval '1 millisecond')
       FROM found f
       WHERE s.token_hash = f.token_hash AND f.last_seen_at < now() - interval '1 minute'
       RETURNING s.expires_at
     )
     SELECT f.token_hash, f.csrf_token, COALESCE((SELECT expires_at FROM touched), f.expires_at) AS expires_at, f.user_id, f.email, f.role
     FROM found f`,
    [tokenHash, lifetime.idleMs, lifetime.maxMs],
  );
  const row = rows[0];
  if (!row) return undefined;
  return { tokenHash: row.token_hash, csrfToken: row.csrf_token, expiresAt: row.expires_at, user: { id: row.user_id, email: row.email, role: row.role } };
}

export async function deleteSession(db: Queryable, tokenHash: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
}

/** Signs a user out everywhere (after they are disabled or their password changes). */
export async function deleteSessionsOfUser(db: Queryable, userId: number, options: { except?: string } = {}): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM sessions WHERE user_id = $1 AND token_hash IS DISTINCT FROM $2', [userId, options.except ?? null]);
  return rowCount ?? 0;
}

/** Housekeeping: expired sessions are useless; keep the table small. */
export async function deleteExpiredSessions(db: Queryable): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM sessions WHERE expires_at < now()');
  return rowCount ?? 0;
}
