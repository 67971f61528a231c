// Query-parameter validation with WordPress's error shape: every invalid parameter is collected and
// reported at once as `rest_invalid_param` (400), each with the message rest_validate_value_from_schema
// would give, under data.params and data.details.

export interface RestErrorBody {
  code: string;
  message: string;
  data: { status: number; params?: Record<string, string>; details?: Record<string, { code: string; message: string; data: null }> };
}

export class RestError extends Error {
  readonly status: number;
  readonly body: RestErrorBody;

  constructor(status: number, code: string, message: string, extra: Omit<RestErrorBody['data'], 'status'> = {}) {
    super(message);
    this.status = status;
    this.body = { code, message, data: { status, ...extra } };
  }
}

export const NO_ROUTE = (): RestError => new RestError(404, 'rest_no_route', 'No route was found matching the URL and request method.');

export class ParamReader {
  readonly #query: URLSearchParams;
  readonly #params: Record<string, string> = {};
  readonly #details: Record<string, { code: string; message: string; data: null }> = {};

  constructor(query: URLSearchParams) {
    this.#query = query;
  }

  has(name: string): boolean {
    return this.#query.has(name) || this.#query.has(`${name}[]`);
  }

  /** The raw single value, or undefined when absent. */
  raw(name: string): string | undefined {
    return this.#query.get(name) ?? undefined;
  }

  integer(name: string, options: { min?: number; max?: number; fallback: number }): number;
  integer(name: string, options: { min?: number; max?: number; fallback?: undefined }): number | undefined;
  integer(name: string, options: { min?: number; max?: number; fallback?: number }): number | undefined {
    const raw = this.raw(name);
    if (raw === undefined) return options.fallback;
    if (!/^-?\d+$/.test(raw.trim())) {
      this.#fail(name, 'rest_invalid_type', `${name} is not of type integer.`);
      return options.fallback;
    }
    const value = Number(raw.trim());
    const { min, max } = options;
    if (min !== undefined && max !== undefined && (value < min || value > max)) {
      this.#fail(name, 'rest_out_of_bounds', `${name} must be between ${min} (inclusive) and ${max} (inclusive)`);
    } else if (min !== undefined && value < min) {
      this.#fail(name, 'rest_out_of_bounds', `${name} must be greater than or equal to ${min}`);
    }
    return value;
  }

  /** Arrays of ids arrive as `post=1,2`, `post[]=1&post[]=2` or both; WordPress accepts each. */
  idList(name: string): number[] {
    const raw = [...this.#query.getAll(name), ...this.#query.getAll(`${name}[]`)].flatMap((v) => v.split(/[\s,]+/)).filter((v) => v !== '');
    const ids: number[] = [];
    raw.forEach((value, index) => {
      if (/^\d+$/.test(value)) ids.push(Number(value));
      else this.#fail(name, 'rest_invalid_type', `${name}[${index}] is not of type integer.`);
    });
    return ids;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.#fail(name, 'rest_not_in_enum', `${name} is not one of ${humanList(allowed)}.`);
    return fallback;
  }

  /** A date-time as rest_parse_date() accepts it, converted by `toBoundary`. */
  dateTime(name: string, toBoundary: (value: string) => string | undefined): string | undefined {
    const raw = this.raw(name);
    if (raw === undefined) return undefined;
    const boundary = toBoundary(raw.trim());
    if (boundary === undefined) this.#fail(name, 'rest_invalid_date', 'Invalid date.');
    return boundary;
  }

  /** `_fields` as wp_parse_list() reads it: commas or spaces, `_fields[]` too. */
  fieldList(name: string): string[] | undefined {
    if (!this.has(name)) return undefined;
    const fields = [...this.#query.getAll(name), ...this.#query.getAll(`${name}[]`)].flatMap((v) => v.split(/[\s,]+/)).filter((v) => v !== '');
    return fields.length > 0 ? fields : undefined;
  }

  /** Throws the collected `rest_invalid_param` error, if any parameter was invalid. */
  check(): void {
    const names = Object.keys(this.#params);
    if (names.length === 0) return;
    throw new RestError(400, 'rest_invalid_param', `Invalid parameter(s): ${names.join(', ')}`, { params: { ...this.#params }, details: { ...this.#details } });
  }

  #fail(name: string, code: string, message: string): void {
    if (this.#params[name] !== undefined) return;
    this.#params[name] = message;
    this.#details[name] = { code, message, data: null };
  }
}

// "a, b, and c" as WordPress's wp_sprintf('%l') lists enum values.
function humanList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  if (items.length === 2) return `${items[0]} and ${items[1]}`;
  return `${items.slice(0, -1).join(', ')}, and ${items[items.length - 1]}`;
}
