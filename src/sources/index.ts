import type { AppConfig } from '../config/index.js';
import { PermanentError } from '../ingestion/errors.js';
import { CollectorRegistry } from '../ingestion/collector.js';
import { createXClient } from './x/client.js';
import { XSearchCollector } from './x/search-collector.js';

/**
 * The collectors this build ships, one per source kind. Adding a source kind means adding its folder
 * under src/sources/ and one `register` line here.
 */
export function createCollectorRegistry(config: AppConfig): CollectorRegistry {
  const registry = new CollectorRegistry();
  const token = config.env.X_BEARER_TOKEN;
  if (token) {
    // One client for every X source: it keeps one keep-alive connection pool to the API.
    const client = createXClient({ bearerToken: token.reveal(), baseUrl: config.env.X_API_BASE_URL });
    registry.register('x-search', (source) => {
      const query = source.settings.query;
      if (typeof query !== 'string') throw new PermanentError('CONFIG_INVALID', `source ${source.slug} has no query`);
      return new XSearchCollector({ client, query });
    });
  } else {
    registry.unavailable('x-search', 'X_BEARER_TOKEN is not set, so X cannot be searched');
  }
  return registry;
}
