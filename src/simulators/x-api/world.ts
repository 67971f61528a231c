import { matchableFromTweet, type MatchableTweet } from './query.js';
import type { RenderSource } from './render.js';
import { snowflakeFor } from './snowflake.js';
import { extractEntities } from './entities.js';
import type { XDataset, XPlaceRecord, XTweetRecord, XUserRecord } from './types.js';

// The fake's mutable state: posts kept sorted by numeric id so a search page is a binary search
// plus a short scan, however large a benchmark's dataset is.

export interface ScanBounds {
  /** Exclusive lower id bound. */
  sinceId?: bigint;
  /** Exclusive upper id bound. */
  untilId?: bigint;
  /** Inclusive, epoch ms. */
  startMs?: number;
  /** Exclusive, epoch ms. */
  endMs?: number;
}

export class XWorld implements RenderSource {
  private readonly tweetsById = new Map<string, XTweetRecord>();
  private readonly usersById = new Map<string, XUserRecord>();
  private readonly usersByName = new Map<string, XUserRecord>();
  private readonly placesById = new Map<string, XPlaceRecord>();
  // Parallel arrays sorted ascending by id. Records are looked up by id, so replacing a record
  // (metrics, edits) needs no re-sort.
  private sortedIds: bigint[] = [];
  private sortedKeys: string[] = [];
  private sortedTimes: number[] = [];
  private readonly deleted = new Set<string>();
  /** Old versions of edited posts: still readable by id, no longer searchable. */
  private readonly superseded = new Set<string>();
  private readonly protectedUsers = new Set<string>();
  /** When a post was deleted or its author protected: compliance results report it as redacted_at. */
  private readonly eventTimes = new Map<string, Date>();
  private readonly matchables = new Map<string, MatchableTweet>();

  /**
   * Records handed in are kept, not copied (copying a benchmark's 100k posts costs seconds), and
   * never mutated: every change stores a new record. Callers must not mutate them afterwards.
   */
  constructor(dataset: Partial<XDataset> = {}) {
    this.addUsers(dataset.users ?? []);
    this.addPlaces(dataset.places ?? []);
    this.addTweets(dataset.tweets ?? []);
  }

  addUsers(users: readonly XUserRecord[]): void {
    for (const copy of users) {
      const previous = this.usersById.get(copy.id);
      if (previous) this.usersByName.delete(previous.username.toLowerCase());
      this.usersById.set(copy.id, copy);
      this.usersByName.set(copy.username.toLowerCase(), copy);
      if (copy.protected) this.protectedUsers.add(copy.id);
      else this.protectedUsers.delete(copy.id);
    }
    // from:/to: resolve through users, so cached match data may now be stale.
    if (users.length > 0) this.matchables.clear();
  }

  addPlaces(places: readonly XPlaceRecord[]): void {
    for (const place of places) this.placesById.set(place.id, place);
  }

  addTweets(tweets: readonly XTweetRecord[]): void {
    if (tweets.length === 0) return;
    const last = this.sortedIds[this.sortedIds.length - 1];
    let appendOnly = true;
    let previous = last;
    for (const tweet of tweets) {
      const id = BigInt(tweet.id);
      if (previous !== undefined && id <= previous) appendOnly = false;
      previous = id;
      if (this.tweetsById.has(tweet.id)) appendOnly = false;
    }
    for (const copy of tweets) {
      this.tweetsById.set(copy.id, copy);
      this.matchables.delete(copy.id);
      this.deleted.delete(copy.id);
    }
    if (appendOnly) {
      for (const copy of tweets) this.pushSorted(copy);
    } else {
      this.rebuildOrder();
    }
  }

  private pushSorted(tweet: XTweetRecord): void {
    this.sortedIds.push(BigInt(tweet.id));
    this.sortedKeys.push(tweet.id);
    this.sortedTimes.push(Date.parse(tweet.created_at));
  }

  private rebuildOrder(): void {
    const all = [...this.tweetsById.values()].map((t) => ({ id: BigInt(t.id), t }));
    all.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.sortedIds = all.map((x) => x.id);
    this.sortedKeys = all.map((x) => x.t.id);
    this.sortedTimes = all.map((x) => Date.parse(x.t.created_at));
  }

  /** Every stored record, whatever its visibility. */
  records(): { tweets: Iterable<XTweetRecord>; users: Iterable<XUserRecord>; places: Iterable<XPlaceRecord> } {
    return { tweets: this.tweetsById.values(), users: this.usersById.values(), places: this.placesById.values() };
  }

  tweet(id: string): XTweetRecord | undefined {
    return this.tweetsById.get(id);
  }

  user(id: string): XUserRecord | undefined {
    return this.usersById.get(id);
  }

  userByUsername(username: string): XUserRecord | undefined {
    return this.usersByName.get(username.toLowerCase());
  }

  place(id: string): XPlaceRecord | undefined {
    return this.placesById.get(id);
  }

  visibility(id: string): 'visible' | 'missing' | 'protected' {
    const tweet = this.tweetsById.get(id);
    if (!tweet || this.deleted.has(id)) return 'missing';
    if (this.protectedUsers.has(tweet.author_id)) return 'protected';
    return 'visible';
  }

  /** The compliance event X would report for an id, if any. */
  complianceReason(id: string): 'deleted' | 'protected' | undefined {
    const visibility = this.visibility(id);
    if (visibility === 'missing') return 'deleted';
    if (visibility === 'protected') return 'protected';
    return undefined;
  }

  isDeleted(id: string): boolean {
    return this.deleted.has(id);
  }

  deleteTweet(id: string, at: Date): boolean {
    if (!this.tweetsById.has(id)) return false;
    this.deleted.add(id);
    this.eventTimes.set(`tweet:${id}`, at);
    return true;
  }

  setUserProtected(id: string, isProtected: boolean, at: Date): boolean {
    const previous = this.usersById.get(id);
    if (!previous) return false;
    const user = { ...previous, protected: isProtected };
    this.usersById.set(id, user);
    this.usersByName.set(user.username.toLowerCase(), user);
    if (isProtected) {
      this.protectedUsers.add(id);
      this.eventTimes.set(`user:${id}`, at);
    } else {
      this.protectedUsers.delete(id);
      this.eventTimes.delete(`user:${id}`);
    }
    return true;
  }

  /** When the event that hid a post (or user) happened, if the fake saw it happen. */
  redactedAt(kind: 'tweet' | 'user', id: string): Date | undefined {
    if (kind === 'tweet') {
      const tweet = this.tweetsById.get(id);
      if (tweet && !this.deleted.has(id)) return this.eventTimes.get(`user:${tweet.author_id}`);
    }
    return this.eventTimes.get(`${kind}:${id}`);
  }

  isUserProtected(id: string): boolean {
    return this.protectedUsers.has(id);
  }

  updateMetrics(id: string, metrics: Partial<XTweetRecord['public_metrics']>): boolean {
    const tweet = this.tweetsById.get(id);
    if (!tweet) return false;
    this.tweetsById.set(id, { ...tweet, public_metrics: { ...tweet.public_metrics, ...metrics } });
    return true;
  }

  newestId(): bigint | undefined {
    return this.sortedIds[this.sortedIds.length - 1];
  }

  /**
   * An edit makes a new post whose id is fresh and whose history lists every version; the old id
   * stays readable by lookup (as on X) but drops out of search.
   */
  editTweet(id: string, newText: string, at: Date): XTweetRecord {
    const old = this.tweetsById.get(id);
    if (!old) throw new Error(`cannot edit unknown tweet ${id}`);
    let sequence = 0;
    let newId = snowflakeFor(at, sequence);
    const newest = this.newestId();
    while (BigInt(newId) <= BigInt(id) || (newest !== undefined && BigInt(newId) <= newest) || this.tweetsById.has(newId)) {
      sequence += 1;
      newId = snowflakeFor(at, sequence);
      if (sequence > 4096) newId = (BigInt(newest ?? BigInt(id)) + 1n).toString();
    }
    const history = [...old.edit_history_tweet_ids.filter((h) => h !== newId), newId];
    const entities = extractEntities(newText, { resolveUsername: (name) => this.userByUsername(name)?.id });
    const edited: XTweetRecord = {
      ...structuredClone(old),
      id: newId,
      text: newText,
      created_at: at.toISOString(),
      edit_history_tweet_ids: history,
    };
    if (entities) edited.entities = entities;
    else delete edited.entities;
    for (const versionId of old.edit_history_tweet_ids) {
      const version = this.tweetsById.get(versionId);
      if (version) this.tweetsById.set(versionId, { ...version, edit_history_tweet_ids: [...history] });
      this.superseded.add(versionId);
    }
    this.superseded.add(id);
    this.addTweets([edited]);
    return structuredClone(edited);
  }

  matchable(tweet: XTweetRecord): MatchableTweet {
    let cached = this.matchables.get(tweet.id);
    if (!cached) {
      cached = matchableFromTweet(tweet, (userId) => this.usersById.get(userId));
      this.matchables.set(tweet.id, cached);
    }
    return cached;
  }

  /** Works out every stored post's match data now rather than during the first search that scans it. */
  prepareMatching(): void {
    for (const tweet of this.tweetsById.values()) this.matchable(tweet);
  }

  /** Index of the first id strictly greater than `id`. */
  private upperIndex(id: bigint): number {
    let lo = 0;
    let hi = this.sortedIds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.sortedIds[mid] as bigint) <= id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Searchable posts inside the bounds, newest first. Deleted, protected and superseded posts are
   * never searchable.
   */
  *searchable(bounds: ScanBounds): Generator<XTweetRecord> {
    let index = bounds.untilId === undefined ? this.sortedIds.length - 1 : this.upperIndex(bounds.untilId - 1n) - 1;
    for (; index >= 0; index -= 1) {
      const id = this.sortedIds[index] as bigint;
      if (bounds.sinceId !== undefined && id <= bounds.sinceId) return;
      const time = this.sortedTimes[index] as number;
      if (bounds.startMs !== undefined && time < bounds.startMs) continue;
      if (bounds.endMs !== undefined && time >= bounds.endMs) continue;
      const tweet = this.tweetsById.get(this.sortedKeys[index] as string) as XTweetRecord;
      if (this.deleted.has(tweet.id) || this.superseded.has(tweet.id) || this.protectedUsers.has(tweet.author_id)) continue;
      yield tweet;
    }
  }
}
