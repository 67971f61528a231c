/**
 * The targets of an HTTP Link header (RFC 8288) with the given relation, resolved against the
 * response's URL. Handles several links in one header, quoted or bare rel values and rel lists.
 */
export function linksWithRel(header: string | null, rel: string, base: string): string[] {
  if (!header) return [];
  const found: string[] = [];
  for (const match of header.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]+(?:=(?:"[^"]*"|[^;,]*))?)*)/g)) {
    const params = match[2] ?? '';
    const relValue = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]+))/i.exec(params);
    const rels = (relValue?.[1] ?? relValue?.[2] ?? '').split(/\s+/);
    if (!rels.includes(rel)) continue;
    try {
      found.push(new URL(match[1] ?? '', base).href);
    } catch {
      // A malformed target is skipped; discovery has other ways in.
    }
  }
  return found;
}
