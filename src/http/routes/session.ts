import { z } from 'zod';
import { createSession, deleteExpiredSessions, deleteSession } from '../../store/sessions.js';
import { findCredentials, updateUser } from '../../store/users.js';
import { defineRoute, type Principal } from '../api-route.js';
import { loginRateLimit } from '../auth/login-rate-limit.js';
import { MAX_PASSWORD_LENGTH, hashPassword, needsRehash, verifyAgainstNothing, verifyPassword } from '../auth/passwords.js';
import { SESSION_COOKIE, clearSessionCookie, setSessionCookie } from '../auth/session-cookie.js';
import { hashToken, isWellFormedSessionToken, newCsrfToken, newSessionToken } from '../auth/tokens.js';
import { HttpError } from '../errors.js';

// Signing in and out. Sign-in is the one state-changing route without a CSRF token (there is no
// session yet); it only accepts a JSON body, which a cross-site form cannot send.

export const sessionView = z.object({
  user: z.object({ id: z.number().int(), email: z.string(), role: z.enum(['viewer', 'admin']) }),
  via: z.enum(['session', 'token']).describe('a browser session, or a read-only API token'),
  csrfToken: z.string().nullable().describe('send as X-CSRF-Token on every POST, PUT, PATCH and DELETE; null for API tokens'),
  expiresAt: z.date().nullable(),
});

const describeSession = (principal: Principal): z.input<typeof sessionView> => ({
  user: { id: principal.user.id, email: principal.user.email, role: principal.user.role },
  via: principal.kind,
  csrfToken: principal.kind === 'session' ? principal.csrfToken : null,
  expiresAt: principal.kind === 'session' ? principal.expiresAt : null,
});

const invalidCredentials = () => new HttpError(401, 'INVALID_CREDENTIALS', 'The email or password is wrong.');

export const sessionRoutes = [
  defineRoute({
    method: 'POST',
    path: '/api/session',
    tag: 'session',
    summary: 'Sign in with email and password; sets the session cookie',
    description: 'Rate limited per client address and email (429 with Retry-After).',
    access: 'public',
    body: z.strictObject({
      email: z.string().trim().min(1).max(254),
      password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
    }),
    response: sessionView,
    preHandlers: (app, services) => [loginRateLimit(app, services.auth)],
    async handler({ body, request, reply, services }) {
      const found = await findCredentials(services.db, body.email);
      const valid = found ? await verifyPassword(body.password, found.passwordHash) : await verifyAgainstNothing(body.password);
      if (!found || !valid) throw invalidCredentials();
      if (needsRehash(found.passwordHash)) await updateUser(services.db, found.user.id, { passwordHash: await hashPassword(body.password) });

      // A new token at every sign-in (no session fixation); the old session, if any, ends.
      const previous = request.cookies[SESSION_COOKIE];
      if (previous && isWellFormedSessionToken(previous)) await deleteSession(services.db, hashToken(previous));
      await deleteExpiredSessions(services.db);

      const token = newSessionToken();
      const csrfToken = newCsrfToken();
      const { expiresAt } = await createSession(services.db, {
        tokenHash: hashToken(token),
        userId: found.user.id,
        csrfToken,
        userAgent: request.headers['user-agent'] ?? null,
        lifetime: services.auth.session,
      });
      setSessionCookie(reply, request, token, services.auth.session.maxMs);
      request.log.info({ userId: found.user.id }, 'signed in');
      return describeSession({ kind: 'session', user: found.user, tokenHash: hashToken(token), csrfToken, expiresAt });
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/api/session',
    tag: 'session',
    summary: 'Who is signed in, and the CSRF token for changes',
    access: 'viewer',
    response: sessionView,
    handler: ({ principal }) => describeSession(principal),
  }),

  defineRoute({
    method: 'DELETE',
    path: '/api/session',
    tag: 'session',
    summary: 'Sign out (ends the session and clears its cookie)',
    access: 'viewer',
    response: z.null(),
    status: 204,
    async handler({ principal, request, reply, services }) {
      // The authentication hook has already refused API tokens here (they are read-only).
      if (principal.kind === 'session') await deleteSession(services.db, principal.tokenHash);
      clearSessionCookie(reply, request);
      return null;
    },
  }),
];
