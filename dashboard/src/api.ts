// The dashboard's only way to data: same-origin requests to /api/…, with the session cookie, and the
// session's CSRF token on every change.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly parameter?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;
let onSignedOut: () => void = () => undefined;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** What to do when the session has ended (a 401 from any request): go to the sign-in page. */
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

interface ErrorBody {
  error?: { code?: string; message?: string; parameter?: string };
}

async function request<T>(method: string, path: string, body?: unknown, options: { quietOn401?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const error = (parsed as ErrorBody | undefined)?.error;
    if (response.status === 401 && !options.quietOn401) onSignedOut();
    throw new ApiError(response.status, error?.code ?? 'HTTP_ERROR', error?.message ?? `The server answered ${response.status}.`, error?.parameter);
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string, options?: { quietOn401?: boolean }) => request<T>('GET', path, undefined, options),
  post: <T>(path: string, body: unknown, options?: { quietOn401?: boolean }) => request<T>('POST', path, body, options),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  delete: (path: string) => request<void>('DELETE', path),
};

/** A path with query parameters; empty and undefined values are left out. */
export function apiPath(path: string, query: Record<string, string | number | boolean | undefined | null> = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

/** The CSV twin of a JSON endpoint: the same path with .csv, the same query. */
export function csvPath(path: string): string {
  const [base = '', query] = path.split('?', 2);
  return `${base}.csv${query ? `?${query}` : ''}`;
}

export const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
