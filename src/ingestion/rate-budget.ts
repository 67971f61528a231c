import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RESET_MARGIN_MS, RetryableError } from './errors.js';

// A rate-limit window shared by every worker process through Redis, one per (API, endpoint,
// credential). Each request first reserves a slot; a slot is refused when the window is spent, so no
// process ever sends a request the window does not cover. Each answer then records what the API
// said about the window (its limit, what remains, when it resets) as the new truth.
//
// The state is one Redis hash: `limit`, `used` (the highest count of spent requests any answer has
// reported for the current window) and `reset` (epoch ms), plus one `l:<id>` field per request in
// flight holding when its lease ends. A request counts against the window until it is answered,
// so `used + in flight` can only overestimate what the API has counted: answers that arrive out of
// order never raise the estimate of what is left, and once every answer is in, the estimate is
// exact. When the window is unknown (first use, or after its reset) one probe request at a time
// is let through to learn the new window. The hash expires at the reset (or when its last lease
// ends), so it never outlives what it describes.

/** Where every rate-limit window of a deployment lives in Redis. */
export const rateBudgetPrefix = (redisPrefix: string) => `${redisPrefix}:ratelimit:`;

/** A credential's stand-in in Redis keys and logs: a short hash, never the credential itself. */
export function credentialFingerprint(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex').slice(0, 16);
}

/** What the API said about its window after a request (from x-rate-limit-* headers and the like). */
export type RateOutcome =
  | { kind: 'window'; limit: number; remaining: number; resetAt: Date }
  /** 429: nothing is left until `resetAt`. */
  | { kind: 'rate-limited'; resetAt: Date; limit?: number }
  /** No answer that says anything about the window (network error, headers missing). Counted as spent. */
  | { kind: 'no-answer' };

export type RateReservation =
  | { granted: true; settle(outcome: RateOutcome): Promise<void> }
  | { granted: false; retryAt: Date; reason: 'window-spent' | 'probe-in-flight' };

export interface RateBudgetOptions {
  /** Prefix of every key, e.g. `${REDIS_PREFIX}:ratelimit:`. */
  keyPrefix: string;
  /** How long a reserved slot counts as in flight if its request is never settled (crash). Longer than the request timeout. */
  leaseMs?: number;
  /** While a probe is in flight, how soon another caller may try again. */
  probeRetryMs?: number;
  /** Waited past each reset, against clock skew between this machine and the API's. */
  resetMarginMs?: number;
  now?: () => number;
}

/** One window as /metrics shows it (the credential's fingerprint is left out). */
export interface RateWindowState {
  api: string;
  endpoint: string;
  limit: number;
  remaining: number;
  resetAt: Date;
}

export interface RateBudgetScope {
  /** The API, e.g. "x". */
  api: string;
  /** A fingerprint of the credential (see credentialFingerprint), never the credential. */
  credential: string;
}

const RESERVE = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local leaseField = 'l:' .. ARGV[2]
local leaseUntil = tonumber(ARGV[3])
local probeRetryMs = tonumber(ARGV[4])
local margin = tonumber(ARGV[5])
local fields = redis.call('HGETALL', key)
local limit = nil
local used = 0
local reset = 0
local inflight = 0
local leaseEnd = 0
for i = 1, #fields, 2 do
  local name = fields[i]
  local value = tonumber(fields[i + 1])
  if string.sub(name, 1, 2) == 'l:' then
    if value <= now then
      redis.call('HDEL', key, name)
    else
      inflight = inflight + 1
      if value > leaseEnd then leaseEnd = value end
    end
  elseif name == 'limit' then limit = value
  elseif name == 'used' then used = value
  elseif name == 'reset' then reset = value
  end
end
local known = limit ~= nil and now < reset + margin
if known then
  if used + inflight >= limit then return {0, reset + margin, 1} end
else
  if limit ~= nil then redis.call('HDEL', key, 'limit', 'used', 'reset') end
  if inflight > 0 then return {0, math.min(now + probeRetryMs, leaseEnd), 2} end
end
redis.call('HSET', key, leaseField, leaseUntil)
local expireAt = math.max(leaseUntil, leaseEnd)
if known then expireAt = math.max(expireAt, reset + margin) end
redis.call('PEXPIRE', key, math.ceil(math.max(expireAt - now, 1)))
if known then return {1, 1} end
return {1, 0}
`;

const SETTLE = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local leaseField = 'l:' .. ARGV[2]
local mode = ARGV[3]
local newLimit = tonumber(ARGV[4])
local newRemaining = tonumber(ARGV[5])
local newReset = tonumber(ARGV[6])
local margin = tonumber(ARGV[7])
redis.call('HDEL', key, leaseField)
local fields = redis.call('HGETALL', key)
local limit = nil
local used = 0
local reset = 0
local leaseEnd = 0
for i = 1, #fields, 2 do
  local name = fields[i]
  local value = tonumber(fields[i + 1])
  if string.sub(name, 1, 2) == 'l:' then
    if value <= now then redis.call('HDEL', key, name) elseif value > leaseEnd then leaseEnd = value end
  elseif name == 'limit' then limit = value
  elseif name == 'used' then used = value
  elseif name == 'reset' then reset = value
  end
end
if limit == nil or reset + margin <= now then
  limit = nil
  used = 0
  reset = 0
end
if mode == 'window' then
  if newReset > now then
    if newReset > reset then
      limit = newLimit
      used = newLimit - newRemaining
      reset = newReset
    elseif newReset == reset then
      limit = newLimit
      used = math.max(used, newLimit - newRemaining)
    end
  end
elseif mode == 'rate-limited' then
  limit = limit or newLimit or 1
  used = limit
  reset = math.max(reset, newReset)
elseif mode == 'no-answer' then
  if limit ~= nil then used = used + 1 end
end
local expireAt = leaseEnd
if limit ~= nil then
  redis.call('HSET', key, 'limit', limit, 'used', used, 'reset', reset)
  expireAt = math.max(expireAt, reset + margin)
end
if expireAt > now then redis.call('PEXPIRE', key, math.ceil(expireAt - now)) end
return 1
`;

interface LoadedScript {
  source: string;
  sha: string;
}

const load = (source: string): LoadedScript => ({ source, sha: createHash('sha1').update(source).digest('hex') });
const RESERVE_SCRIPT = load(RESERVE);
const SETTLE_SCRIPT = load(SETTLE);

/** Shared rate-limit windows in Redis: reserve a slot before each request, settle it with the answer. */
export class RateBudget {
  readonly #redis: Redis;
  readonly #keyPrefix: string;
  readonly #leaseMs: number;
  readonly #probeRetryMs: number;
  readonly #marginMs: number;
  readonly #now: () => number;

  constructor(redis: Redis, options: RateBudgetOptions) {
    this.#redis = redis;
    this.#keyPrefix = options.keyPrefix;
    this.#leaseMs = options.leaseMs ?? 60_000;
    this.#probeRetryMs = options.probeRetryMs ?? 250;
    this.#marginMs = options.resetMarginMs ?? RESET_MARGIN_MS;
    this.#now = options.now ?? Date.now;
  }

  /** The Redis key holding one window. Exposed for tests and operators. */
  keyFor(scope: RateBudgetScope, endpoint: string): string {
    return `${this.#keyPrefix}${scope.api}:${endpoint}:${scope.credential}`;
  }

  /**
   * Every window Redis knows now, for operators (the /metrics page): how much of each is left and
   * when it resets. Windows not yet learned (or expired) are absent.
   */
  async windows(): Promise<RateWindowState[]> {
    const states: RateWindowState[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.#redis.scan(cursor, 'MATCH', `${this.#keyPrefix}*`, 'COUNT', 200);
      cursor = next;
      for (const key of keys) {
        const parts = key.slice(this.#keyPrefix.length).split(':');
        if (parts.length < 3) continue;
        const fields = await this.#redis.hgetall(key);
        const limit = Number(fields.limit);
        const used = Number(fields.used);
        const reset = Number(fields.reset);
        if (!Number.isFinite(limit) || !Number.isFinite(used) || !Number.isFinite(reset)) continue;
        const inFlight = Object.keys(fields).filter((name) => name.startsWith('l:')).length;
        states.push({ api: parts[0]!, endpoint: parts.slice(1, -1).join(':'), limit, remaining: Math.max(0, limit - used - inFlight), resetAt: new Date(reset) });
      }
    } while (cursor !== '0');
    return states;
  }

  /** This budget, bound to one API and credential. */
  for(scope: RateBudgetScope): ScopedRateBudget {
    return new ScopedRateBudget(this, scope);
  }

  /**
   * Takes one request's slot of the window, or says when to try again. Fails with a RetryableError
   * when Redis cannot be asked: without the budget no request may be sent.
   */
  async reserve(scope: RateBudgetScope, endpoint: string): Promise<RateReservation> {
    const key = this.keyFor(scope, endpoint);
    const lease = randomUUID();
    const now = this.#now();
    const [granted, at, why] = await this.#run(RESERVE_SCRIPT, key, [now, lease, now + this.#leaseMs, this.#probeRetryMs, this.#marginMs], `reserve ${scope.api} ${endpoint}`);
    if (granted === 1) {
      let settled = false;
      return {
        granted: true,
        settle: async (outcome) => {
          if (settled) return;
          settled = true;
          await this.#settle(key, lease, outcome).catch(() => {
            // An unsettled slot stays counted until its lease ends: the budget errs on the safe side.
          });
        },
      };
    }
    return { granted: false, retryAt: new Date(at ?? now + this.#probeRetryMs), reason: why === 2 ? 'probe-in-flight' : 'window-spent' };
  }

  async #settle(key: string, lease: string, outcome: RateOutcome): Promise<void> {
    const now = this.#now();
    const args: (string | number)[] = [now, lease, outcome.kind];
    if (outcome.kind === 'window') args.push(outcome.limit, outcome.remaining, outcome.resetAt.getTime());
    else if (outcome.kind === 'rate-limited') args.push(outcome.limit ?? '', 0, Math.max(outcome.resetAt.getTime(), now + 1_000));
    else args.push('', '', '');
    args.push(this.#marginMs);
    await this.#run(SETTLE_SCRIPT, key, args, 'settle');
  }

  async #run(script: LoadedScript, key: string, args: (string | number)[], what: string): Promise<number[]> {
    try {
      let result: unknown;
      try {
        result = await this.#redis.evalsha(script.sha, 1, key, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.includes('NOSCRIPT')) throw error;
        result = await this.#redis.eval(script.source, 1, key, ...args);
      }
      return (Array.isArray(result) ? (result as unknown[]) : [result]).map(Number);
    } catch (error) {
      throw new RetryableError('RATE_BUDGET_UNAVAILABLE', `the shared rate-limit budget in Redis could not ${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
}

/** A RateBudget bound to one API and credential: what an API client needs. */
export class ScopedRateBudget {
  constructor(
    readonly budget: RateBudget,
    readonly scope: RateBudgetScope,
  ) {}

  reserve(endpoint: string): Promise<RateReservation> {
    return this.budget.reserve(this.scope, endpoint);
  }
}
