import { parseEnvironment, type Environment } from './env.js';
import { loadCampaignFile } from './load.js';
import type { CampaignFile } from './campaign-schema.js';

export type { Environment } from './env.js';
export type * from './campaign-schema.js';
export { ConfigError } from './errors.js';
export { Secret, redactUrl } from './secret.js';

/** Everything Groundswell is configured with, parsed once at boot. */
export interface AppConfig {
  env: Environment;
  campaigns: CampaignFile['campaigns'];
  configPath: string;
  /** True when every source points at the built-in simulators (demo mode): the dashboard says so. */
  demo?: boolean;
}

export async function loadConfig(overrides: { configPath?: string; env?: NodeJS.ProcessEnv } = {}): Promise<AppConfig> {
  const env = parseEnvironment(overrides.env);
  const configPath = overrides.configPath ?? env.GROUNDSWELL_CONFIG;
  const file = await loadCampaignFile(configPath);
  return { env, campaigns: file.campaigns, configPath };
}
