// `_fields` as rest_filter_response_fields() applies it: a comma list of top-level or dotted nested
// names ("content.rendered"); naming a parent keeps all of it; unknown names are ignored.

type FieldTree = { [name: string]: FieldTree | true };

export function fieldTree(fields: readonly string[]): FieldTree {
  const tree: FieldTree = {};
  for (const field of fields) {
    const parts = field.trim().split('.');
    let node = tree;
    let skip = false;
    while (parts.length > 1) {
      const next = parts.shift() as string;
      const existing = node[next];
      if (existing === true) {
        skip = true;
        break;
      }
      const child: FieldTree = existing ?? {};
      node[next] = child;
      node = child;
    }
    if (!skip) node[parts[0] as string] = true;
  }
  return tree;
}

export function pickFields(value: unknown, tree: FieldTree): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, sub] of Object.entries(tree)) {
    if (!(key in value)) continue;
    const inner = (value as Record<string, unknown>)[key];
    out[key] = sub === true ? inner : pickFields(inner, sub);
  }
  return out;
}

/** Whether a field is wanted, as rest_is_field_included(): a parent or child of a requested name counts. */
export function isFieldIncluded(field: string, fields: readonly string[] | undefined): boolean {
  if (!fields) return true;
  return fields.some((f) => f === field || f.startsWith(`${field}.`) || field.startsWith(`${f}.`));
}
