import { userInfo } from 'node:os';
import pg from 'pg';
import { redactUrl } from '../config/secret.js';
import { ServiceUnreachableError, describeConnectionError, isConnectionError } from '../runtime/service-errors.js';

/** What store functions run their SQL on: a pool, or a client inside a transaction. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

export type Pool = pg.Pool;

// int8 (bigint) ids and counts come back as strings by default; every bigint we store fits in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

/**
 * Client settings for a PostgreSQL URL. A URL without a user name connects as the operating-system
 * user, as psql does; node-postgres would otherwise read $USER, which service managers often unset.
 */
export function connectionConfig(databaseUrl: string): pg.ClientConfig {
  const url = new URL(databaseUrl);
  const user = osUserName();
  // Goes into the URL: node-postgres lets values parsed from connectionString override `user`.
  if (!url.username && user) url.username = encodeURIComponent(user);
  return { connectionString: url.toString(), connectionTimeoutMillis: 5_000 };
}

function osUserName(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

export function createPool(databaseUrl: string, options: { max?: number; applicationName?: string } = {}): pg.Pool {
  const pool = new pg.Pool({
    ...connectionConfig(databaseUrl),
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'groundswell',
    idleTimeoutMillis: 30_000,
  });
  // An idle client that loses its server emits 'error' on the pool; without a listener Node would exit.
  pool.on('error', () => {});
  return pool;
}

/**
 * Runs `work` on one client checked out of the pool. While checked out, a client has no error
 * listener of the pool's: if PostgreSQL goes away (a restart), the client's 'error' event would
 * crash the process. This listens for it, tells `work` through `connectionLost` (a session-level
 * lock held on this client is gone with it), and hands a broken client back to be destroyed
 * rather than reused.
 */
export async function withClient<T>(pool: pg.Pool, work: (client: pg.PoolClient, connectionLost: AbortSignal) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const lost = new AbortController();
  const onError = (error: Error) => {
    broken = error;
    lost.abort(error);
  };
  const onEnd = () => lost.abort(new Error('the connection ended'));
  client.on('error', onError);
  client.on('end', onEnd);
  try {
    return await work(client, lost.signal);
  } catch (error) {
    broken ??= isConnectionError(error) ? (error as Error) : undefined;
    throw error;
  } finally {
    client.off('error', onError);
    client.off('end', onEnd);
    client.release(broken);
  }
}

export interface TransactionOptions {
  /**
   * false: COMMIT returns before the WAL reaches disk. Only for work whose loss in a PostgreSQL crash
   * is harmless (everything it wrote, cursor included, would simply be done again).
   */
  synchronousCommit?: boolean;
}

/** Runs `work` in one transaction on one client; rolls back on any error. */
export async function withTransaction<T>(pool: pg.Pool, work: (tx: Queryable) => Promise<T>): Promise<T>;
export async function withTransaction<T>(pool: pg.Pool, options: TransactionOptions, work: (tx: Queryable) => Promise<T>): Promise<T>;
export async function withTransaction<T>(
  pool: pg.Pool,
  optionsOrWork: TransactionOptions | ((tx: Queryable) => Promise<T>),
  maybeWork?: (tx: Queryable) => Promise<T>,
): Promise<T> {
  const [options, work] = typeof optionsOrWork === 'function' ? [{}, optionsOrWork] : [optionsOrWork, maybeWork!];
  return withClient(pool, async (client) => {
    const tx = inOrder(client);
    // One round trip: a simple-protocol query may hold several statements.
    await tx.query(options.synchronousCommit === false ? 'BEGIN; SET LOCAL synchronous_commit = off' : 'BEGIN');
    try {
      const result = await work(tx);
      await tx.query('COMMIT');
      return result;
    } catch (error) {
      // After every statement already given, whether or not the work waited for it.
      await tx.query('ROLLBACK').catch(() => {});
      throw error;
    }
  });
}

/**
 * A transaction's connection that takes statements while one is still running and sends each when
 * the one before has finished, in the order given. node-postgres queues them itself but is dropping
 * that (a deprecation warning in pg 8, gone in pg 9). The next statement is sent as soon as the one
 * before settles (a microtask), not when its caller's code next gets to run.
 */
function inOrder(client: pg.PoolClient): Queryable {
  let previous: Promise<unknown> = Promise.resolve();
  return {
    query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
      const send = () => client.query<R>(text, values);
      const result = previous.then(send, send);
      previous = result.catch(() => undefined);
      return result;
    },
  };
}

/**
 * Statements of one transaction sent together: the connection runs them back to back in the order
 * given, without waiting for this process to see each answer. Every one is waited for before the
 * first failure is thrown, so none is still running (or about to send a follow-up statement) when
 * the transaction is rolled back and the connection handed to someone else.
 */
export async function allOnConnection(statements: ReadonlyArray<Promise<unknown> | undefined>): Promise<void> {
  const settled = await Promise.allSettled(statements.filter((statement) => statement !== undefined));
  const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed) throw failed.reason;
}

/** A connection failure becomes a ServiceUnreachableError naming the address; anything else is returned as it is. */
function asUnreachable(error: unknown, databaseUrl: string): unknown {
  return isConnectionError(error) ? new ServiceUnreachableError('PostgreSQL', databaseUrl, 'DATABASE_URL', describeConnectionError(error)) : error;
}

/** Fails with a ServiceUnreachableError naming the address when PostgreSQL is not there. */
export async function checkDatabaseReachable(pool: pg.Pool, databaseUrl: string): Promise<void> {
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    throw asUnreachable(error, databaseUrl);
  }
}

const INVALID_CATALOG_NAME = '3D000';

/**
 * Creates the database named in `databaseUrl` if it does not exist and the server lets us.
 * Returns true when it was created.
 */
export async function ensureDatabaseExists(databaseUrl: string): Promise<boolean> {
  const probe = new pg.Client(connectionConfig(databaseUrl));
  try {
    await probe.connect();
    return false;
  } catch (error) {
    if ((error as { code?: string }).code !== INVALID_CATALOG_NAME) {
      if (isConnectionError(error)) throw asUnreachable(error, databaseUrl);
      throw new Error(`cannot connect to PostgreSQL at ${redactUrl(databaseUrl)}: ${(error as Error).message}`);
    }
  } finally {
    await probe.end().catch(() => {});
  }

  const { name, admin } = adminClientFor(databaseUrl);
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    return true;
  } catch (error) {
    // Another process created it between our probe and now: that is what we wanted. (A race inside
    // CREATE DATABASE itself surfaces as a unique violation on pg_database rather than 42P04.)
    const code = (error as { code?: string }).code;
    if (code === '42P04' || code === '23505') return false;
    throw new Error(
      `the database "${name}" does not exist at ${redactUrl(databaseUrl)} and could not be created (${(error as Error).message}); create it, or grant CREATEDB`,
    );
  } finally {
    await admin.end().catch(() => {});
  }
}

const DATABASE_CLAIM_SPACE = 0x6744; // "gD"

export interface DatabaseClaim {
  /** Lets go of the claim (idempotent). */
  release(): Promise<void>;
}

/**
 * Claims the database named in `databaseUrl` for as long as this process runs, or until release():
 * a session advisory lock on the server's maintenance database, keyed by that name, on a connection
 * of its own (the database itself may be dropped and created again under the claim, and a process
 * that dies lets go with its session). Undefined when another process holds the claim.
 */
export async function claimDatabase(databaseUrl: string): Promise<DatabaseClaim | undefined> {
  const { name, admin } = adminClientFor(databaseUrl);
  try {
    await admin.connect();
    // A lost connection loses the claim too; there is nothing to report it to, so it is only not left unhandled.
    admin.on('error', () => {});
    const { rows } = await admin.query<{ claimed: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS claimed', [DATABASE_CLAIM_SPACE, name]);
    if (!rows[0]?.claimed) {
      await admin.end().catch(() => {});
      return undefined;
    }
  } catch (error) {
    await admin.end().catch(() => {});
    throw asUnreachable(error, databaseUrl);
  }
  let released: Promise<void> | undefined;
  return { release: () => (released ??= admin.end().catch(() => {})) };
}

/** Drops the database named in `databaseUrl` if it exists (the demo's fresh start), ending its sessions. */
export async function dropDatabaseIfExists(databaseUrl: string): Promise<void> {
  const { name, admin } = adminClientFor(databaseUrl);
  try {
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  } catch (error) {
    throw asUnreachable(error, databaseUrl);
  } finally {
    await admin.end().catch(() => {});
  }
}

/** The database a URL names, and a client for the server's maintenance database, to create or drop it from. */
function adminClientFor(databaseUrl: string): { name: string; admin: pg.Client } {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  url.pathname = '/postgres';
  return { name, admin: new pg.Client(connectionConfig(url.toString())) };
}
