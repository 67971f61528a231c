import type { Queryable } from './db.js';

// Staff accounts. Emails are unique case-insensitively (users_email is on lower(email)) and kept as
// typed; a disabled user keeps their row (audit: overrides and tokens name them) but cannot sign in.

export const ROLES = ['viewer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: number;
  email: string;
  role: Role;
  createdAt: Date;
  disabledAt: Date | null;
}

interface UserDbRow {
  id: number;
  email: string;
  role: Role;
  created_at: Date;
  disabled_at: Date | null;
}

const USER_COLUMNS = 'u.id, u.email, u.role, u.created_at, u.disabled_at';

const toUser = (row: UserDbRow): User => ({ id: row.id, email: row.email, role: row.role, createdAt: row.created_at, disabledAt: row.disabled_at });

/** Inserts a user; undefined when the email is taken (whatever its case). */
export async function createUser(db: Queryable, user: { email: string; role: Role; passwordHash: string }): Promise<User | undefined> {
  const { rows } = await db.query<UserDbRow>(
    `INSERT INTO users AS u (email, password_hash, role) VALUES ($1, $2, $3)
     ON CONFLICT ((lower(email))) DO NOTHING
     RETURNING ${USER_COLUMNS}`,
    [user.email, user.passwordHash, user.role],
  );
  return rows[0] ? toUser(rows[0]) : undefined;
}

/** An enabled user and their password hash, for signing in. */
export async function findCredentials(db: Queryable, email: string): Promise<{ user: User; passwordHash: string } | undefined> {
  const { rows } = await db.query<UserDbRow & { password_hash: string }>(
    `SELECT ${USER_COLUMNS}, u.password_hash FROM users u WHERE lower(u.email) = lower($1) AND u.disabled_at IS NULL`,
    [email],
  );
  return rows[0] ? { user: toUser(rows[0]), passwordHash: rows[0].password_hash } : undefined;
}

export async function findUserByEmail(db: Queryable, email: string): Promise<User | undefined> {
  const { rows } = await db.query<UserDbRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE lower(u.email) = lower($1)`, [email]);
  return rows[0] ? toUser(rows[0]) : undefined;
}

export async function findUserById(db: Queryable, id: number): Promise<User | undefined> {
  const { rows } = await db.query<UserDbRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = $1`, [id]);
  return rows[0] ? toUser(rows[0]) : undefined;
}

export async function listUsers(db: Queryable): Promise<User[]> {
  const { rows } = await db.query<UserDbRow>(`SELECT ${USER_COLUMNS} FROM users u ORDER BY lower(u.email)`);
  return rows.map(toUser);
}

export interface UserChanges {
  role?: Role;
  disabled?: boolean;
  passwordHash?: string;
}

/** Applies the changes given (others untouched); undefined when there is no such user. */
export async function updateUser(db: Queryable, id: number, changes: UserChanges): Promise<User | undefined> {
  const { rows } = await db.query<UserDbRow>(
    `UPDATE users u SET
       role = COALESCE($2, u.role),
       disabled_at = CASE WHEN $3::boolean IS NULL THEN u.disabled_at WHEN $3 THEN COALESCE(u.disabled_at, now()) ELSE NULL END,
       password_hash = COALESCE($4, u.password_hash)
     WHERE u.id = $1
     RETURNING ${USER_COLUMNS}`,
    [id, changes.role ?? null, changes.disabled ?? null, changes.passwordHash ?? null],
  );
  return rows[0] ? toUser(rows[0]) : undefined;
}

/**
 * Ids of enabled admins, locked until the transaction ends, so two concurrent demotions cannot
 * both see "another admin remains" and leave nobody able to administer.
 */
export async function lockActiveAdminIds(tx: Queryable): Promise<number[]> {
  const { rows } = await tx.query<{ id: number }>(`SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id FOR UPDATE`);
  return rows.map((row) => row.id);
}
