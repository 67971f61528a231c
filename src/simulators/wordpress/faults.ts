/**
 * Failures a real WordPress site (or what sits in front of it) produces, injected on purpose so a
 * client's handling of each can be tested: wrong content, refusals, loops, floods and silence.
 */
export type Fault =
  /** A 200 HTML page (a caching plugin's or host's error page) where JSON was expected. */
  | { kind: 'html-instead-of-json' }
  /** A 200 feed that is not well-formed XML. */
  | { kind: 'invalid-xml' }
  /** A 200 JSON body cut off half-way. */
  | { kind: 'truncated-json' }
  /** 401: REST restricted to logged-in users (`rest_not_logged_in`), or HTTP basic auth in front of the site. */
  | { kind: 'unauthorized'; style?: 'rest' | 'basic-auth' }
  /** 403: a private site. */
  | { kind: 'forbidden' }
  /** The REST API switched off: WordPress's `rest_no_route` JSON 404, or the theme's plain HTML 404. */
  | { kind: 'rest-disabled'; style?: 'rest_no_route' | 'html-404' }
  /** 301 back to the same address, for ever. */
  | { kind: 'redirect-loop' }
  /** A 200 body of this many bytes (default 50 MiB), streamed without being held in memory. */
  | { kind: 'huge'; bytes?: number }
  /** 429 with Retry-After. */
  | { kind: 'rate-limited'; retryAfterSeconds?: number }
  /** 503 with Retry-After, WordPress's maintenance-mode page. */
  | { kind: 'unavailable'; retryAfterSeconds?: number }
  /** Answer normally, but only after this many milliseconds. */
  | { kind: 'delay'; ms: number }
  /** Accept the request and never answer (close() still ends it). */
  | { kind: 'hang' };

export type FaultKind = Fault['kind'];

export interface FaultScope {
  /** Which requests: a substring of, or a pattern for, the request target (path and query). Default: all. */
  match?: string | RegExp;
  /** For how many matching requests. Default: until cleared. */
  times?: number;
}

export interface FaultHandle {
  readonly fault: Fault;
  /** How many more requests it will hit (Infinity when unlimited). */
  remaining(): number;
  clear(): void;
}

interface FaultRule {
  fault: Fault;
  match: string | RegExp | undefined;
  remaining: number;
}

export class FaultPlan {
  #rules: FaultRule[] = [];

  add(fault: Fault, scope: FaultScope = {}): FaultHandle {
    const rule: FaultRule = { fault, match: scope.match, remaining: scope.times ?? Number.POSITIVE_INFINITY };
    this.#rules.push(rule);
    return {
      fault,
      remaining: () => rule.remaining,
      clear: () => {
        this.#rules = this.#rules.filter((r) => r !== rule);
      },
    };
  }

  clear(): void {
    this.#rules = [];
  }

  /** The first rule that applies to this request, used up by one. */
  take(target: string): Fault | undefined {
    for (const rule of this.#rules) {
      if (rule.remaining <= 0) continue;
      const hit = rule.match === undefined ? true : typeof rule.match === 'string' ? target.includes(rule.match) : rule.match.test(target);
      if (!hit) continue;
      rule.remaining -= 1;
      if (rule.remaining <= 0) this.#rules = this.#rules.filter((r) => r !== rule);
      return rule.fault;
    }
    return undefined;
  }
}
