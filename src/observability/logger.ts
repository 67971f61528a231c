import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

// Structured JSON logs. Secrets are kept out twice over: config holds tokens in `Secret` objects that
// print as "[redacted]", and these paths catch credentials that arrive in headers or error details.
const REDACT_PATHS = [
  'authorization',
  'password',
  'token',
  'bearerToken',
  '*.authorization',
  '*.Authorization',
  '*.password',
  '*.token',
  '*.bearerToken',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  // Staff sign-in: passwords and their hashes, session cookies, CSRF and API tokens (issue #6).
  'cookie',
  '*.cookie',
  'passwordHash',
  '*.passwordHash',
  'password_hash',
  '*.password_hash',
  'csrfToken',
  '*.csrfToken',
  'tokenHash',
  '*.tokenHash',
  '*.*.password',
  'req.headers["x-csrf-token"]',
  'headers["x-csrf-token"]',
  'headers["set-cookie"]',
];

export function createLogger(options: { level: string; name?: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      name: options.name ?? 'groundswell',
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
