import { z } from 'zod';
import { defineRoute, type AnyApiRoute } from './api-route.js';
import { SESSION_COOKIE } from './auth/session-cookie.js';

// The OpenAPI 3.1 description, generated from the same route objects and zod schemas that validate
// requests, so the document cannot drift from what the server accepts.

type JsonSchema = Record<string, unknown>;

/** Times are Date objects in handlers and ISO 8601 strings on the wire. */
const override: NonNullable<Parameters<typeof z.toJSONSchema>[1]>['override'] = (context) => {
  if (context.zodSchema._zod.def.type === 'date') {
    context.jsonSchema.type = 'string';
    context.jsonSchema.format = 'date-time';
  }
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any', override }) as JsonSchema;
  return rest;
}

const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

const operationId = (method: string, path: string) =>
  method.toLowerCase() +
  path
    .split(/[/.]/)
    .filter((part) => part && part !== 'api')
    .map((part) => part.replace(/^:/, 'by-'))
    .join('-')
    .replace(/(^|-)([a-z])/g, (_m, _dash: string, letter: string) => letter.toUpperCase());

function parameters(schema: z.ZodType | undefined, location: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input');
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name,
      in: location,
      required: location === 'path' || (required.has(name) && !('default' in propertySchema)),
      ...(typeof description === 'string' ? { description } : {}),
      schema: propertySchema,
    };
  });
}

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

function operation(route: AnyApiRoute, variant: 'json' | 'csv'): JsonSchema {
  const status = String(route.status ?? 200);
  const success =
    route.status === 204
      ? { description: 'Done; no content.' }
      : variant === 'csv'
        ? { description: 'CSV (RFC 4180) with a header row.', content: { 'text/csv': { schema: { type: 'string' } } } }
        : {
            description: 'OK',
            content: {
              'application/json': { schema: jsonSchema(route.response, 'output') },
              ...(route.csv ? { 'text/csv': { schema: { type: 'string' }, description: 'The same rows as CSV, with Accept: text/csv.' } } : {}),
            },
          };
  const responses: Record<string, unknown> = { [status]: success };
  if (route.params || route.query || route.body) responses['400'] = errorResponse('A parameter is missing or wrong; the body names it.');
  if (route.access !== 'public') responses['401'] = errorResponse('No valid session cookie or API token.');
  if (route.access === 'admin' || route.method !== 'GET') responses['403'] = errorResponse('Not allowed: admin only, a read-only API token, or a missing CSRF token.');
  if (route.params) responses['404'] = errorResponse('No such resource.');
  responses.default = errorResponse('Any other error.');
  return {
    operationId: operationId(route.method, variant === 'csv' ? `${route.path}.csv` : route.path),
    summary: variant === 'csv' ? `${route.summary} (CSV)` : route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
    responses,
    ...(route.access === 'public' ? { security: [] } : {}),
  };
}

export function buildOpenApiDocument(routes: readonly AnyApiRoute[], info: { title: string; version: string }): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  const add = (path: string, method: string, op: JsonSchema) => {
    (paths[openApiPath(path)] ??= {})[method.toLowerCase()] = op;
  };
  for (const route of routes) {
    add(route.path, route.method, operation(route, 'json'));
    if (route.csv) add(`${route.path}.csv`, 'GET', operation(route, 'csv'));
  }
  return {
    openapi: '3.1.0',
    info: {
      ...info,
      description:
        'Groundswell: what each campaign launch set moving. Sign in with POST /api/session (a session cookie; send its csrfToken as X-CSRF-Token on every change) or use a read-only API token as Authorization: Bearer gs_…',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        apiToken: { type: 'http', scheme: 'bearer', description: 'Read-only: GET requests only.' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string', examples: ['BAD_PARAMETER', 'UNAUTHENTICATED', 'FORBIDDEN', 'CSRF_TOKEN_MISSING', 'NOT_FOUND', 'CONFLICT', 'RATE_LIMITED'] },
                message: { type: 'string' },
                parameter: { type: 'string', description: 'For BAD_PARAMETER: the parameter that was wrong.' },
                in: { type: 'string', enum: ['path', 'query', 'body', 'header'] },
              },
            },
          },
        },
      },
    },
    security: [{ session: [] }, { apiToken: [] }],
  };
}

/** GET /api/openapi.json: the description of every route given, built once on first request. */
export function openApiRoute(routes: readonly AnyApiRoute[], info: { title: string; version: string }) {
  let document: JsonSchema | undefined;
  return defineRoute({
    method: 'GET',
    path: '/api/openapi.json',
    tag: 'meta',
    summary: 'This description (OpenAPI 3.1)',
    access: 'viewer',
    response: z.record(z.string(), z.unknown()),
    handler: () => (document ??= buildOpenApiDocument(routes, info)),
  });
}
