/**
 * When a Retry-After header (RFC 9110 §10.2.3) says to come back: either a number of seconds or an
 * HTTP-date. Undefined when the header is absent or unreadable.
 */
export function parseRetryAfter(value: string | null, nowMs: number): Date | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return new Date(nowMs + Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : new Date(Math.max(at, nowMs));
}
