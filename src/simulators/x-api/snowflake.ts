// X ids are snowflakes: milliseconds since X's epoch shifted left 22 bits, plus a sequence. Keeping
// the fake's ids in that form means since_id/until_id and time bounds agree, as they do on X, and
// twitter-api-v2's start_time → since_id conversion lands where it would on the real API.

export const X_EPOCH_MS = 1288834974657n;
const SEQUENCE_BITS = 22n;
const SEQUENCE_MASK = (1n << SEQUENCE_BITS) - 1n;

export function snowflakeFor(time: Date | number, sequence = 0): string {
  const ms = BigInt(typeof time === 'number' ? time : time.getTime());
  if (ms < X_EPOCH_MS) throw new RangeError('snowflake ids cannot predate 2010-11-04 (the X epoch)');
  return (((ms - X_EPOCH_MS) << SEQUENCE_BITS) | (BigInt(sequence) & SEQUENCE_MASK)).toString();
}

export function snowflakeTime(id: string): Date {
  return new Date(Number((BigInt(id) >> SEQUENCE_BITS) + X_EPOCH_MS));
}

/** Numeric comparison of decimal id strings (lengths differ, so string order is wrong). */
export function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export const TWEET_ID_PATTERN = /^[0-9]{1,19}$/;
