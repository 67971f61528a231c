// Fixed windows per endpoint, timed by the fake's clock so a test can exhaust a window and then move
// time past its reset without waiting fifteen real minutes.

export interface RateLimitRule {
  limit: number;
  windowMs: number;
}

export interface RateLimitState {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch seconds, as X sends in x-rate-limit-reset. */
  reset: number;
}

interface Window {
  startedMs: number;
  used: number;
}

export class RateLimiter<Key extends string> {
  private readonly windows = new Map<Key, Window>();

  constructor(
    private readonly rules: Readonly<Record<Key, RateLimitRule>>,
    private readonly now: () => Date,
  ) {}

  private window(key: Key): Window {
    const rule = this.rules[key];
    const nowMs = this.now().getTime();
    let window = this.windows.get(key);
    if (!window || nowMs >= window.startedMs + rule.windowMs) {
      window = { startedMs: nowMs, used: 0 };
      this.windows.set(key, window);
    }
    return window;
  }

  private state(key: Key, window: Window, allowed: boolean): RateLimitState {
    const rule = this.rules[key];
    return {
      allowed,
      limit: rule.limit,
      remaining: Math.max(0, rule.limit - window.used),
      reset: Math.ceil((window.startedMs + rule.windowMs) / 1000),
    };
  }

  /** Spends one request of the window's budget if any is left. */
  take(key: Key): RateLimitState {
    const window = this.window(key);
    if (window.used >= this.rules[key].limit) return this.state(key, window, false);
    window.used += 1;
    return this.state(key, window, true);
  }

  peek(key: Key): RateLimitState {
    const window = this.window(key);
    return this.state(key, window, window.used < this.rules[key].limit);
  }

  exhaust(key: Key): void {
    this.window(key).used = this.rules[key].limit;
  }

  reset(): void {
    this.windows.clear();
  }
}
