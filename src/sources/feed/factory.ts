import type { CollectorFactory } from '../../ingestion/collector.js';
import type { PoliteFetcher } from '../http/polite-fetcher.js';
import { siteSourceSettings } from '../site-comment/source-settings.js';
import { FeedCollector } from './feed-collector.js';

/** `kind: feed` sources: incremental passes only (a feed shows only its latest comments, so it cannot tell a removal from an old comment). */
export function createFeedCollectorFactory(deps: { fetcher: PoliteFetcher }): CollectorFactory {
  return (source, pass) => {
    if (pass.kind !== 'incremental') return undefined;
    const settings = siteSourceSettings(source);
    return new FeedCollector({
      url: settings.url,
      fetcher: deps.fetcher,
      siteLocality: settings.locality,
      ...(settings.minIntervalMs !== undefined ? { minIntervalMs: settings.minIntervalMs } : {}),
    });
  };
}
