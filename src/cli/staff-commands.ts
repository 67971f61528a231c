import type { Command } from 'commander';
import { z } from 'zod';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../http/auth/passwords.js';
import { hashToken, newApiToken } from '../http/auth/tokens.js';
import { email, password } from '../http/params.js';
import { createApiToken, listApiTokens, revokeApiToken, type ApiTokenListing } from '../store/api-tokens.js';
import { checkDatabaseReachable, createPool, type Pool } from '../store/db.js';
import { pendingMigrations } from '../store/migrate.js';
import { createUser, findUserByEmail, ROLES } from '../store/users.js';
import { UsageError } from './fail.js';
import { readNewPassword } from './read-password.js';
import { bootstrap, type GlobalOptions } from './services.js';

// `groundswell user add` and `groundswell token create|list|revoke`: staff accounts and read-only
// API tokens, for the first admin (before anyone can sign in to the dashboard) and for scripts.

function parseOption<S extends z.ZodType>(flag: string, schema: S, value: unknown, options: { secret?: boolean } = {}): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new UsageError(`${flag} ${options.secret ? '' : `${JSON.stringify(value)} `}${issue.message}`);
}

const role = z.enum(ROLES, { error: `must be one of: ${ROLES.join(', ')}` });
const tokenName = z.string().trim().min(1, { error: 'must not be empty' }).max(100, { error: 'must be at most 100 characters' });

async function withDatabase<T>(options: GlobalOptions, work: (pool: Pool) => Promise<T>): Promise<T> {
  const { config } = await bootstrap(options);
  const pool = createPool(config.env.DATABASE_URL, { max: 2, applicationName: 'groundswell-cli' });
  try {
    await checkDatabaseReachable(pool, config.env.DATABASE_URL);
    const pending = await pendingMigrations(pool);
    if (pending.length > 0) throw new UsageError(`the database is not migrated (${pending.join(', ')} pending); run \`groundswell migrate\` first`);
    return await work(pool);
  } finally {
    await pool.end();
  }
}

export async function runUserAdd(options: GlobalOptions, flags: { email: string; role: string }): Promise<void> {
  const userEmail = parseOption('--email', email(), flags.email);
  const userRole = parseOption('--role', role, flags.role);
  const secret = parseOption('the password', password(), await readNewPassword(), { secret: true });
  await withDatabase(options, async (pool) => {
    const user = await createUser(pool, { email: userEmail, role: userRole, passwordHash: await hashPassword(secret) });
    if (!user) throw new UsageError(`a user with the email ${userEmail} already exists (change it in the dashboard's Users page)`);
    process.stdout.write(`added ${user.role} ${user.email} (user ${user.id})\n`);
  });
}

export async function runTokenCreate(options: GlobalOptions, flags: { email: string; name: string }): Promise<void> {
  const userEmail = parseOption('--email', email(), flags.email);
  const name = parseOption('--name', tokenName, flags.name);
  await withDatabase(options, async (pool) => {
    const user = await findUserByEmail(pool, userEmail);
    if (!user || user.disabledAt) throw new UsageError(`there is no enabled user with the email ${userEmail} (add one with \`groundswell user add\`)`);
    const token = newApiToken();
    await createApiToken(pool, { userId: user.id, name, tokenHash: hashToken(token) });
    process.stderr.write(`read-only API token "${name}" for ${user.email}; it is shown only this once:\n`);
    process.stdout.write(`${token}\n`);
  });
}

const NOT_A_TOKEN_ID = { error: 'is not a token id (see `groundswell token list`)' };
const tokenId = z.coerce.number(NOT_A_TOKEN_ID).int(NOT_A_TOKEN_ID).positive(NOT_A_TOKEN_ID);

const day = (at: Date | null) => (at === null ? '-' : at.toISOString().slice(0, 16).replace('T', ' '));

function describeToken(token: ApiTokenListing): string {
  const status = token.revokedAt ? `revoked ${day(token.revokedAt)}` : 'live';
  return `${token.id}\t${token.email}\t${JSON.stringify(token.name)}\tcreated ${day(token.createdAt)}\tlast used ${day(token.lastUsedAt)}\t${status}`;
}

export async function runTokenList(options: GlobalOptions, flags: { email?: string }): Promise<void> {
  const userEmail = flags.email === undefined ? undefined : parseOption('--email', email(), flags.email);
  await withDatabase(options, async (pool) => {
    const user = userEmail === undefined ? undefined : await findUserByEmail(pool, userEmail);
    if (userEmail !== undefined && !user) throw new UsageError(`there is no user with the email ${userEmail}`);
    const tokens = await listApiTokens(pool, user ? { userId: user.id } : {});
    process.stderr.write(tokens.length === 0 ? 'no API tokens\n' : 'id\tuser\tname\tcreated (UTC)\tlast used (UTC)\tstatus\n');
    for (const token of tokens) process.stdout.write(`${describeToken(token)}\n`);
  });
}

export async function runTokenRevoke(options: GlobalOptions, flags: { id: string }): Promise<void> {
  const id = parseOption('--id', tokenId, flags.id);
  await withDatabase(options, async (pool) => {
    const token = await revokeApiToken(pool, id);
    if (!token) throw new UsageError(`there is no API token ${id} (see \`groundswell token list\`)`);
    process.stdout.write(`revoked token ${token.id} "${token.name}" of ${token.email}; it no longer works\n`);
  });
}

export function registerStaffCommands(program: Command, globals: () => GlobalOptions): void {
  const user = program.command('user').description('staff accounts for the dashboard');
  user
    .command('add')
    .description(`add a staff account; the password (at least ${MIN_PASSWORD_LENGTH} characters) is asked for, or read from stdin`)
    .requiredOption('--email <email>', 'their email address (the sign-in name)')
    .requiredOption('--role <role>', `${ROLES.join(' or ')}`)
    .action((flags: { email: string; role: string }) => runUserAdd(globals(), flags));

  const token = program.command('token').description('read-only API tokens for scripts (Authorization: Bearer gs_…)');
  token
    .command('create')
    .description('create a read-only API token acting as a user; prints it once')
    .requiredOption('--email <email>', 'the user the token acts as')
    .requiredOption('--name <name>', 'what the token is for, e.g. "weekly export"')
    .action((flags: { email: string; name: string }) => runTokenCreate(globals(), flags));
  token
    .command('list')
    .description('list API tokens (never the tokens themselves): id, user, name, created, last used, revoked')
    .option('--email <email>', 'only this user’s tokens')
    .action((flags: { email?: string }) => runTokenList(globals(), flags));
  token
    .command('revoke')
    .description('revoke an API token at once, e.g. one that leaked')
    .requiredOption('--id <id>', 'the token’s id, from `groundswell token list`')
    .action((flags: { id: string }) => runTokenRevoke(globals(), flags));
}
