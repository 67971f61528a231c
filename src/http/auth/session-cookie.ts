import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'gs_session';

// httpOnly: page script never sees it. SameSite=Lax: other sites' forms and fetches do not carry it.
// Secure whenever the request came over TLS (directly, or per X-Forwarded-Proto from a trusted proxy).
function cookieOptions(request: FastifyRequest, maxAgeMs?: number) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: request.protocol === 'https',
    ...(maxAgeMs !== undefined ? { maxAge: Math.floor(maxAgeMs / 1000) } : {}),
  };
}

export function setSessionCookie(reply: FastifyReply, request: FastifyRequest, token: string, maxAgeMs: number): void {
  void reply.setCookie(SESSION_COOKIE, token, cookieOptions(request, maxAgeMs));
}

export function clearSessionCookie(reply: FastifyReply, request: FastifyRequest): void {
  void reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
}
