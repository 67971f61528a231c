import type { CollectorFactory } from '../../ingestion/collector.js';
import type { PoliteFetcher } from '../http/polite-fetcher.js';
import { siteSourceSettings } from '../site-comment/source-settings.js';
import { WordPressApi } from './api.js';
import { WordPressCommentsCollector } from './comments-collector.js';
import { WordPressSweepCollector } from './sweep-collector.js';

export interface WordPressCollectorDeps {
  fetcher: PoliteFetcher;
  /** WordPress.com's public API origin (default https://public-api.wordpress.com). */
  wordpressComApiUrl?: string;
  /**
   * The comments stored from a source since a date (listStoredCommentIds in src/store/site-comments.ts).
   * Without it the registry offers no sweep: removals cannot be found without knowing what is stored.
   */
  storedCommentIds?: (sourceId: number, since: Date, signal?: AbortSignal) => Promise<string[]>;
  now?: () => Date;
}

/**
 * `kind: wordpress` sources: incremental passes (new comments) and reconciliation sweeps (edits,
 * late approvals, removals over the last `sweep.days` days). Other kinds of pass are not offered.
 */
export function createWordPressCollectorFactory(deps: WordPressCollectorDeps): CollectorFactory {
  return (source, pass) => {
    if (pass.kind !== 'incremental' && pass.kind !== 'sweep') return undefined;
    const settings = siteSourceSettings(source);
    const api = new WordPressApi({
      siteUrl: settings.url,
      fetcher: deps.fetcher,
      ...(deps.wordpressComApiUrl ? { wordpressComApiUrl: deps.wordpressComApiUrl } : {}),
      ...(settings.minIntervalMs !== undefined ? { minIntervalMs: settings.minIntervalMs } : {}),
    });
    if (pass.kind === 'incremental') return new WordPressCommentsCollector({ api, siteLocality: settings.locality });
    const stored = deps.storedCommentIds;
    if (!stored) return undefined;
    return new WordPressSweepCollector({
      api,
      siteLocality: settings.locality,
      days: settings.sweep.days,
      storedCommentIds: (since, signal) => stored(source.id, since, signal),
      ...(deps.now ? { now: deps.now } : {}),
    });
  };
}
