// JSON arrays assembled from elements already serialised and UTF-8 encoded. Both the store step
// (rows encoded as their pages arrive) and the fake X API (posts rendered once per record) keep
// their elements as bytes, so a body the size of a whole batch never exists as one string.

const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');

/** The chunks of a JSON array of these encoded elements, to concatenate with whatever surrounds it. */
export function jsonArrayChunks(elements: readonly Buffer[]): Buffer[] {
  const chunks: Buffer[] = [OPEN];
  elements.forEach((element, index) => {
    if (index > 0) chunks.push(COMMA);
    chunks.push(element);
  });
  chunks.push(CLOSE);
  return chunks;
}
