import { createHash } from 'node:crypto';
import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { AuthSettings } from '../api-route.js';
import { HttpError } from '../errors.js';

// Sign-in attempts are counted in Redis (shared by every web process) twice: per client address
// and email, and per email from anywhere. The second caps guessing from many addresses (or forged
// X-Forwarded-For headers when the proxy is not the only way in) at the price of letting someone
// lock an account's sign-in for one window. Emails are hashed in the keys: no addresses in Redis.

function emailKey(request: FastifyRequest): string {
  const body = request.body as { email?: unknown } | undefined;
  const email = typeof body?.email === 'string' ? body.email.trim().toLowerCase() : '';
  return createHash('sha256').update(email).digest('base64url').slice(0, 22);
}

export function loginRateLimit(app: FastifyInstance, settings: AuthSettings): preHandlerAsyncHookHandler {
  const perAddress = app.createRateLimit({
    max: settings.loginAttempts.max,
    timeWindow: settings.loginAttempts.windowMs,
    keyGenerator: (request) => `login:${normalizeIP(request.ip)}:${emailKey(request)}`,
  });
  const perEmail = app.createRateLimit({
    max: settings.loginAttemptsPerEmail.max,
    timeWindow: settings.loginAttemptsPerEmail.windowMs,
    keyGenerator: (request) => `login-email:${emailKey(request)}`,
  });
  return async (request, reply) => {
    const verdicts = await Promise.all([perAddress(request), perEmail(request)]);
    let waitSeconds = 0;
    for (const verdict of verdicts) {
      if (!verdict.isAllowed && verdict.isExceeded) waitSeconds = Math.max(waitSeconds, verdict.ttlInSeconds);
    }
    if (waitSeconds > 0) {
      void reply.header('retry-after', String(waitSeconds));
      throw new HttpError(429, 'RATE_LIMITED', `Too many sign-in attempts; try again in ${waitSeconds} seconds.`);
    }
  };
}
