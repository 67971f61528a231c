import type { FastifyInstance } from 'fastify';

// Headers every response carries. The CSP allows no inline script at all: the dashboard's script is
// a file from this origin, and post text is untrusted, so even an injection could not run.

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Replaces the default policy for this route (Bull Board's bundled page needs <base> and inline styles). */
    contentSecurityPolicy?: string;
  }
}

export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    void reply.headers({
      'content-security-policy': request.routeOptions.config.contentSecurityPolicy ?? CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'cross-origin-opener-policy': 'same-origin',
    });
    // API answers are per-user data: never kept by shared or browser caches.
    if (!reply.hasHeader('cache-control') && (request.url.startsWith('/api/') || request.url.startsWith('/admin/'))) {
      void reply.header('cache-control', 'no-store');
    }
    return payload;
  });
}
