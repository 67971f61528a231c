import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findApiTokenHolder } from '../../store/api-tokens.js';
import type { Pool } from '../../store/db.js';
import { findActiveSession, type SessionLifetime } from '../../store/sessions.js';
import type { Access, Principal } from '../api-route.js';
import { HttpError, sendError } from '../errors.js';
import { clearSessionCookie, SESSION_COOKIE } from './session-cookie.js';
import { hashToken, isWellFormedApiToken, isWellFormedSessionToken, sameSecret } from './tokens.js';

// Every request passes here first (an onRequest hook), whatever route it is for: authentication is
// the default and a route opts out with `access: 'public'`. Unknown paths count as private, so an
// anonymous caller cannot map which routes exist. Failures are answered here directly (not thrown)
// so that plugins with their own error handlers (Bull Board) still answer in our error format.

/**
 * How a route protects its state-changing methods from cross-site requests: our own pages send the
 * session's CSRF token in X-CSRF-Token; Bull Board's bundled UI cannot, so it must be same-origin.
 */
export type CsrfMode = 'token' | 'same-origin';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    csrf?: CsrfMode;
  }
  interface FastifyRequest {
    /** Who is calling; null on public routes. */
    principal: Principal | null;
  }
}

export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const unauthenticated = (message: string) => new HttpError(401, 'UNAUTHENTICATED', message);

async function identify(request: FastifyRequest, reply: FastifyReply, db: Pool, lifetime: SessionLifetime): Promise<Principal | HttpError> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const [scheme, token = ''] = authorization.split(' ', 2);
    if (scheme?.toLowerCase() !== 'bearer' || !isWellFormedApiToken(token)) {
      return unauthenticated('The Authorization header must be "Bearer gs_…" with an API token.');
    }
    const holder = await findApiTokenHolder(db, hashToken(token));
    if (!holder) return unauthenticated('This API token is not valid (revoked, or its user is disabled).');
    return { kind: 'token', user: holder.user, tokenId: holder.tokenId, tokenName: holder.tokenName };
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (cookie !== undefined) {
    const session = isWellFormedSessionToken(cookie) ? await findActiveSession(db, hashToken(cookie), lifetime) : undefined;
    if (!session) {
      clearSessionCookie(reply, request);
      return unauthenticated('Your session has expired or ended; sign in again.');
    }
    return { kind: 'session', user: session.user, tokenHash: session.tokenHash, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
  }
  return unauthenticated('Sign in, or send an API token as "Authorization: Bearer gs_…".');
}

function isSameOrigin(request: FastifyRequest): boolean {
  const fetchSite = request.headers['sec-fetch-site'];
  if (fetchSite !== undefined) return fetchSite === 'same-origin';
  const origin = request.headers.origin;
  if (!origin) return false;
  try {
    return new URL(origin).host === request.host;
  } catch {
    return false;
  }
}

/** Why a state-changing request may not proceed, or undefined when it may. */
function refuseChange(request: FastifyRequest, principal: Principal, mode: CsrfMode): HttpError | undefined {
  if (principal.kind === 'token') {
    return new HttpError(403, 'READ_ONLY_TOKEN', 'API tokens are read-only: only GET requests are allowed with one.');
  }
  if (mode === 'same-origin') {
    return isSameOrigin(request) ? undefined : new HttpError(403, 'CROSS_ORIGIN', 'Changes here must come from this site’s own pages.');
  }
  const header = request.headers[CSRF_HEADER];
  if (typeof header !== 'string' || header === '') {
    return new HttpError(403, 'CSRF_TOKEN_MISSING', 'Send the session’s CSRF token (from GET /api/session) in the X-CSRF-Token header.');
  }
  if (!sameSecret(header, principal.csrfToken)) {
    return new HttpError(403, 'CSRF_TOKEN_INVALID', 'The X-CSRF-Token header does not match this session; fetch it again from GET /api/session.');
  }
  return undefined;
}

export function registerAuthentication(app: FastifyInstance, deps: { db: Pool; session: SessionLifetime }): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config;
    const access: Access = config.access ?? 'viewer';
    if (access === 'public') return;

    const principal = await identify(request, reply, deps.db, deps.session);
    if (principal instanceof HttpError) return sendError(reply, principal);
    if (access === 'admin' && principal.user.role !== 'admin') {
      return sendError(reply, new HttpError(403, 'FORBIDDEN', 'This needs an admin account.'));
    }
    if (!SAFE_METHODS.has(request.method)) {
      const refusal = refuseChange(request, principal, config.csrf ?? 'token');
      if (refusal) return sendError(reply, refusal);
    }
    request.principal = principal;
  });
}

/**
 * Registers routes that do not come from api-route objects (health checks, static dashboard
 * files, /metrics, plugins) with one access level for all of them, unless a route sets its own.
 */
export async function registerWithAccess(app: FastifyInstance, access: Access, register: (scope: FastifyInstance) => void | Promise<void>): Promise<void> {
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, access: route.config?.access ?? access };
    });
    await register(scope);
  });
}
