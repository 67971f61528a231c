import { isIP } from 'node:net';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { formatIssues } from './issues.js';
import { Secret } from './secret.js';

// The one place that reads process.env. Everything else receives the parsed `Environment`.

const url = (protocols: string[], example: string) =>
  z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, { error: `is not a URL like ${example}` });

/**
 * Proxies trusted to say who the client is (X-Forwarded-For) and whether it used TLS
 * (X-Forwarded-Proto) by default: a reverse proxy on this machine or a private network (a
 * container network, a load balancer in the VPC). A client connecting directly from the internet
 * cannot forge its address this way, so per-address login limits hold.
 */
export const DEFAULT_TRUSTED_PROXIES = ['loopback', 'linklocal', 'uniquelocal'];

const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An address, a CIDR range or one of proxy-addr's range names. */
function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address = '', bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY: "false" (no proxy: the socket's address is the client's), "true" (every hop: only
 * behind a proxy that overwrites X-Forwarded-For), or a comma-separated list of
 * addresses, CIDR ranges and the names loopback, linklocal, uniquelocal.
 */
const trustProxy = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    if (value === 'true' || value === 'false') return;
    const bad = value.split(',').map((entry) => entry.trim()).filter((entry) => !isProxyAddress(entry));
    if (bad.length > 0) ctx.addIssue({ code: 'custom', message: `is not true, false or a list of addresses, CIDR ranges, loopback, linklocal, uniquelocal (${bad.map((entry) => JSON.stringify(entry)).join(', ')} not understood)` });
  })
  .transform((value): boolean | string[] => (value === 'true' ? true : value === 'false' ? false : value.split(',').map((entry) => entry.trim())));

const envSchema = z.object({
  DATABASE_URL: url(['postgres:', 'postgresql:'], 'postgres://127.0.0.1:5432/groundswell').default('postgres://127.0.0.1:5432/groundswell'),
  REDIS_URL: url(['redis:', 'rediss:'], 'redis://127.0.0.1:6379').default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:{}_-]+$/, { error: 'is not a key prefix (letters, digits, ":", "_", "-", and "{…}" hash tags)' })
    .default('groundswell'),
  X_BEARER_TOKEN: z
    .string()
    .optional()
    .transform((value) => (value && value.trim() !== '' ? new Secret(value.trim()) : undefined)),
  X_API_BASE_URL: url(['http:', 'https:'], 'https://api.x.com')
    .default('https://api.x.com')
    .transform((value) => value.replace(/\/+$/, '')),
  // Posts the engagement refresh may read from X per UTC day (reads are paid per post); 0 turns refresh reads off.
  X_REFRESH_DAILY_BUDGET: z.coerce
    .number({ error: 'is not a whole number of posts per day' })
    .int({ error: 'is not a whole number of posts per day' })
    .min(0, { error: 'is not a whole number of posts per day (0 or more)' })
    .default(20_000),
  // Where X refuses the token batch compliance jobs, the refresh looks up again every live post not
  // read for this many days, so posts deleted after their last scheduled read are still purged; 0 turns that off.
  X_COMPLIANCE_RECHECK_DAYS: z.coerce
    .number({ error: 'is not a whole number of days' })
    .int({ error: 'is not a whole number of days' })
    .min(0, { error: 'is not a whole number of days (0 or more)' })
    .default(30),
  HOST: z.string().min(1).default('127.0.0.1'),
  TRUST_PROXY: trustProxy.default(DEFAULT_TRUSTED_PROXIES),
  PORT: z.coerce
    .number({ error: 'is not a port number' })
    .int({ error: 'is not a port number' })
    .min(0, { error: 'is not a port number between 0 and 65535' })
    .max(65535, { error: 'is not a port number between 0 and 65535' })
    .default(3000),
  GROUNDSWELL_CONFIG: z.string().min(1).default('examples/rsahealth.yaml'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'is not a log level (fatal, error, warn, info, debug, trace, silent)' }).default('info'),
});

export type Environment = z.output<typeof envSchema>;

export function parseEnvironment(source: NodeJS.ProcessEnv = process.env): Environment {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    throw new ConfigError('the environment', formatIssues(result.error.issues, source, { secretKeys: ['X_BEARER_TOKEN', 'DATABASE_URL', 'REDIS_URL'] }));
  }
  return result.data;
}
