import { z } from 'zod';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './auth/passwords.js';

// Parameter schemas shared by routes. Their messages are predicates ("must be …"): the validator
// puts the parameter's name in front, so a client reads "limit must be at most 200".

export const slug = (what = 'a slug') =>
  z
    .string()
    .max(64, { error: `must be ${what} of at most 64 characters` })
    .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, { error: `must be ${what}: lower-case letters, digits and dashes` });

/** A database id in the path: a positive whole number that fits a JS number. */
export const id = () =>
  z
    .string()
    .regex(/^[1-9][0-9]{0,14}$/, { error: 'must be a positive whole number' })
    .transform(Number);

const DATE_OR_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** True for real calendar dates (no 31 April), times within the day, and an explicit offset when a time is given. */
function isDateOrDateTime(text: string): boolean {
  const match = DATE_OR_DATE_TIME.exec(text);
  if (!match) return false;
  const [, year, month, day, hour = '0', minute = '0', second = '0'] = match;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return (
    date.getUTCMonth() === Number(month) - 1 &&
    date.getUTCDate() === Number(day) &&
    Number(hour) < 24 &&
    Number(minute) < 60 &&
    Number(second) < 60 &&
    !Number.isNaN(Date.parse(text))
  );
}

/** An instant: a date (midnight UTC) or a date-time with Z or an offset. */
export const instant = () =>
  z
    .string()
    .refine(isDateOrDateTime, { error: 'must be a date like 2026-11-20 or a date-time with a time zone like 2026-11-20T10:00:00Z' })
    .transform((text) => new Date(text))
    .meta({ format: 'date-time' });

export const limit = (fallback: number, max: number) =>
  z.coerce
    .number({ error: `must be a whole number from 1 to ${max}` })
    .int({ error: `must be a whole number from 1 to ${max}` })
    .min(1, { error: 'must be at least 1' })
    .max(max, { error: `must be at most ${max}` })
    .default(fallback)
    .describe(`how many to return (1 to ${max}, default ${fallback})`);

export const email = () =>
  z
    .string()
    .trim()
    .max(254, { error: 'must be at most 254 characters' })
    .pipe(z.email({ error: 'must be an email address like name@example.org' }));

export const password = () =>
  z
    .string()
    .min(MIN_PASSWORD_LENGTH, { error: `must be at least ${MIN_PASSWORD_LENGTH} characters` })
    .max(MAX_PASSWORD_LENGTH, { error: `must be at most ${MAX_PASSWORD_LENGTH} characters` });

/** A required, trimmed, non-empty text of bounded length. */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `must be at most ${max} characters` });

/** A web link: only http and https (anything else could run script where it is shown). */
export const httpUrl = () =>
  z
    .string()
    .max(2048, { error: 'must be at most 2048 characters' })
    .refine(
      (value) => {
        try {
          const url = new URL(value);
          return url.protocol === 'http:' || url.protocol === 'https:';
        } catch {
          return false;
        }
      },
      { error: 'must be an http or https URL' },
    );
