import type { z } from 'zod';
import { redactUrl } from './secret.js';

type Path = readonly PropertyKey[];

/** `campaigns[0].sources[1].every` from ['campaigns', 0, 'sources', 1, 'every']. */
export function formatPath(path: Path): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), '');
}

function valueAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function show(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  const json = JSON.stringify(value);
  if (json === undefined) return String(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

/**
 * One line per problem, each naming the key, the value found and the form expected, e.g.
 * `campaigns[0].sources[1].every: "15" is not a duration like 15m or 1h`.
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[], input: unknown, options: { secretKeys?: readonly string[] } = {}): string[] {
  return issues.map((issue) => {
    const key = formatPath(issue.path) || '(top level)';
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => `"${k}"`).join(', ');
      return `${key}: unknown key${issue.keys.length > 1 ? 's' : ''} ${keys} (check the spelling; see the configuration reference in README.md)`;
    }
    const value = valueAt(input, issue.path);
    if (value === undefined) {
      return `${key}: is missing; ${describeExpected(issue)}`;
    }
    const secret = options.secretKeys?.includes(String(issue.path[issue.path.length - 1]));
    const shown = secret ? (typeof value === 'string' && /^\w+:\/\//.test(value) ? show(redactUrl(value)) : '(hidden)') : show(value);
    return `${key}: ${shown} ${describeProblem(issue)}`;
  });
}

function describeProblem(issue: z.core.$ZodIssue): string {
  // Our schemas phrase their own messages to follow the value ("is not a duration like 15m").
  if (issue.message.startsWith('is ')) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return `is not ${article(issue.expected)}`;
    case 'invalid_value':
      return `is not one of ${issue.values.map((v) => show(v)).join(', ')}`;
    default:
      return `is not valid: ${issue.message}`;
  }
}

function describeExpected(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return `expected ${article(issue.expected)}`;
  if (issue.code === 'invalid_union' && issue.message.startsWith('is not a source kind')) return issue.message.replace(/^is not a source kind; /, '');
  return issue.message.replace(/^is not /, 'expected ');
}

function article(expected: string): string {
  if (expected === 'array') return 'a list';
  if (expected === 'object') return 'a mapping of keys to values';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}
