import { z } from 'zod';
import { BadParameterError, type ParameterLocation } from './errors.js';

// Turns zod's first issue into a 400 that names the parameter and says what it must be. Schemas
// in params.ts phrase their own messages; this map covers zod's generic checks in the same voice.

const describeValue = (value: unknown) => (Array.isArray(value) ? 'a list' : value === null ? 'null' : typeof value);

const predicate: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      if (Array.isArray(issue.input) && issue.expected !== 'array') return 'is given more than once; give it once';
      return `must be ${issue.expected === 'object' ? 'an object' : `a ${issue.expected}`}, not ${describeValue(issue.input)}`;
    case 'too_small':
      return issue.origin === 'string'
        ? `must be at least ${String(issue.minimum)} characters`
        : issue.origin === 'array'
          ? `must have at least ${String(issue.minimum)} item(s)`
          : `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'string'
        ? `must be at most ${String(issue.maximum)} characters`
        : issue.origin === 'array'
          ? `must have at most ${String(issue.maximum)} item(s)`
          : `must be at most ${String(issue.maximum)}`;
    case 'invalid_value':
      return `must be one of: ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return `is not a valid ${issue.format}`;
    case 'unrecognized_keys':
      return 'is not a parameter of this endpoint';
    default:
      return undefined;
  }
};

function parameterName(path: readonly PropertyKey[], location: ParameterLocation): string {
  if (path.length === 0) return location;
  return path.reduce<string>((name, key) => (typeof key === 'number' ? `${name}[${key}]` : name ? `${name}.${String(key)}` : String(key)), '');
}

function acceptsList(field: z.ZodType | undefined): boolean {
  let current = field;
  while (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodNullable) current = current.unwrap() as z.ZodType;
  return current instanceof z.ZodArray;
}

/** A query parameter repeated (?limit=5&limit=6) arrives as a list; say so plainly unless a list is wanted. */
function refuseRepeats(schema: z.ZodType, input: unknown): void {
  if (!(schema instanceof z.ZodObject) || input === null || typeof input !== 'object') return;
  for (const [key, value] of Object.entries(input)) {
    if (Array.isArray(value) && !acceptsList(schema.shape[key] as z.ZodType | undefined)) {
      throw new BadParameterError(key, 'query', `${key} is given more than once; give it once`);
    }
  }
}

/** Parses one part of a request (path, query or body) or throws BadParameterError. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, location: ParameterLocation): z.output<S> {
  if (location === 'query') refuseRepeats(schema, input);
  const result = schema.safeParse(input, { error: predicate });
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const parameter = issue.keys[0] ?? location;
    const known = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
    const hint = known.length > 0 ? ` (it takes: ${known.join(', ')})` : ' (it takes none)';
    throw new BadParameterError(parameterName([...issue.path, parameter], location), location, `${parameter} ${issue.message}${hint}`);
  }
  if (issue.path.length === 0 && location === 'body' && issue.code === 'invalid_type') {
    throw new BadParameterError('body', location, `the request body ${issue.input === undefined ? 'is required: send JSON with Content-Type: application/json' : issue.message}`);
  }
  const name = parameterName(issue.path, location);
  throw new BadParameterError(name, location, `${name} ${issue.message}`);
}
