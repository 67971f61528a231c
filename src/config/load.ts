import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { campaignFileSchema, type CampaignFile } from './campaign-schema.js';
import { ConfigError } from './errors.js';
import { formatIssues } from './issues.js';

/** Parses and validates the campaign config text; `where` names the file in error messages. */
export function parseCampaignFile(text: string, where: string): CampaignFile {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    throw new ConfigError(where, document.errors.map((error) => `YAML syntax: ${error.message.split('\n')[0]}`));
  }
  const raw: unknown = document.toJS();
  if (raw === null || raw === undefined) throw new ConfigError(where, ['the file is empty; expected a `campaigns:` list with at least one campaign']);
  const result = campaignFileSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(where, formatIssues(result.error.issues, raw));
  return result.data;
}

export async function loadCampaignFile(path: string): Promise<CampaignFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : (error as Error).message;
    throw new ConfigError(path, [`cannot be read: ${reason} (set GROUNDSWELL_CONFIG or --config to the campaign config file)`]);
  }
  return parseCampaignFile(text, path);
}
