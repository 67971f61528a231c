import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';

// Validates bodies against X's own OpenAPI document (../shared/x-api/openapi.json beside the repo),
// so the fake X API cannot drift from the contract the real API publishes.

function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('no package.json above the tests');
    dir = parent;
  }
  return dir;
}

export const SHARED_X_API_DIR = path.join(repoRoot(), '..', 'shared', 'x-api');
const SPEC_ID = 'x-openapi';

interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> }>>;
}

export const spec = JSON.parse(readFileSync(path.join(SHARED_X_API_DIR, 'openapi.json'), 'utf8')) as OpenApiDocument;

// ajv-formats is CommonJS; under NodeNext its default import is module.exports, whose `.default` is
// the plugin (the package sets both).
const addFormats = addFormatsModule.default;
const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
// OpenAPI's numeric formats are not JSON Schema formats; the type keyword already checks them.
for (const name of ['int32', 'int64', 'double', 'float']) ajv.addFormat(name, true);
ajv.addSchema(spec, SPEC_ID);

export function validateAgainst(schemaName: string, body: unknown): ErrorObject[] {
  const validate = ajv.getSchema(`${SPEC_ID}#/components/schemas/${schemaName}`) ?? ajv.compile({ $ref: `${SPEC_ID}#/components/schemas/${schemaName}` });
  return validate(body) ? [] : [...(validate.errors ?? [])];
}

/** The schema name of an operation's response, read from the spec rather than hard-coded. */
export function responseSchemaName(specPath: string, method: string, status: string, contentType = 'application/json'): string {
  const ref = spec.paths[specPath]?.[method.toLowerCase()]?.responses[status]?.content?.[contentType]?.schema?.$ref;
  if (!ref) throw new Error(`the spec has no ${contentType} ${status} response for ${method} ${specPath}`);
  return ref.replace('#/components/schemas/', '');
}

const SPEC_PATHS: readonly [RegExp, string][] = [
  [/^\/2\/tweets\/search\/recent$/u, '/2/tweets/search/recent'],
  [/^\/2\/tweets\/search\/all$/u, '/2/tweets/search/all'],
  [/^\/2\/tweets\/counts\/recent$/u, '/2/tweets/counts/recent'],
  [/^\/2\/tweets\/counts\/all$/u, '/2/tweets/counts/all'],
  [/^\/2\/tweets$/u, '/2/tweets'],
  [/^\/2\/compliance\/jobs$/u, '/2/compliance/jobs'],
  [/^\/2\/compliance\/jobs\/[^/]+$/u, '/2/compliance/jobs/{id}'],
];

// Problem's subtypes are chosen by a discriminator that ajv does not apply, so check them by type.
const PROBLEM_SUBTYPES: Readonly<Record<string, string>> = {
  'https://api.twitter.com/2/problems/invalid-request': 'InvalidRequestProblem',
  'https://api.twitter.com/2/problems/client-forbidden': 'ClientForbiddenProblem',
  'https://api.twitter.com/2/problems/resource-not-found': 'ResourceNotFoundProblem',
  'https://api.twitter.com/2/problems/not-authorized-for-resource': 'ResourceUnauthorizedProblem',
  'about:blank': 'GenericProblem',
};

function problemErrors(problem: unknown, where: string): string[] {
  const type = (problem as { type?: unknown }).type;
  const subtype = typeof type === 'string' ? PROBLEM_SUBTYPES[type] : undefined;
  const failures = validateAgainst('Problem', problem).map((e) => `${where} Problem${e.instancePath} ${e.message}`);
  if (subtype) failures.push(...validateAgainst(subtype, problem).map((e) => `${where} ${subtype}${e.instancePath} ${e.message}`));
  else failures.push(`${where} has unknown problem type ${String(type)}`);
  return failures;
}

export interface RecordedResponse {
  method: string;
  path: string;
  status: number | null;
  contentType?: string;
  responseBody?: string;
  fault?: { malformedJson?: boolean };
}

/**
 * Every way one recorded response breaks the spec (empty when it conforms). Non-JSON bodies (the
 * compliance storage URLs) are not part of the API spec and are skipped.
 */
export function specViolations(response: RecordedResponse): string[] {
  const where = `${response.method} ${response.path} → ${response.status}`;
  // A deliberately truncated body is the point of that fault, not a contract breach.
  if (response.responseBody === undefined || response.status === null || response.fault?.malformedJson) return [];
  const type = response.contentType ?? '';
  if (!type.includes('json')) return [];
  let body: unknown;
  try {
    body = JSON.parse(response.responseBody);
  } catch {
    return [`${where}: body is not JSON`];
  }
  if (response.status >= 400) {
    if (!type.startsWith('application/problem+json')) return [`${where}: error served as ${type}, not application/problem+json`];
    return problemErrors(body, where);
  }
  const specPath = SPEC_PATHS.find(([pattern]) => pattern.test(response.path))?.[1];
  if (!specPath) return [`${where}: no spec path for a JSON 2xx`];
  const name = responseSchemaName(specPath, response.method, String(response.status));
  const failures = validateAgainst(name, body).map((e) => `${where} ${name}${e.instancePath} ${e.message}`);
  const errors = (body as { errors?: unknown[] }).errors ?? [];
  errors.forEach((problem, i) => failures.push(...problemErrors(problem, `${where} errors[${i}]`)));
  return failures;
}
