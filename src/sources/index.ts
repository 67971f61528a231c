import type { AppConfig } from '../config/index.js';
import { CollectorRegistry } from '../ingestion/collector.js';

/**
 * The collectors this build ships, one per source kind. Adding a source kind means adding its folder
 * under src/sources/ and one `register` line here.
 */
export function createCollectorRegistry(_config: AppConfig): CollectorRegistry {
  return new CollectorRegistry();
}
