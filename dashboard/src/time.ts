// Times are shown in the campaign's time zone (Europe/London by default), whatever the viewer's
// computer is set to, using the browser's own zone database (Intl): daylight saving included.

export const HOUR_MS = 3_600_000;

const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${JSON.stringify(options)}`;
  let format = cache.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, ...options });
    cache.set(key, format);
  }
  return format;
}

const toDate = (value: string | number | Date) => (value instanceof Date ? value : new Date(value));

/** "Fri 27 Mar 2026, 10:00 GMT" */
export const formatDateTime = (value: string | number | Date, timeZone: string) =>
  formatter(timeZone, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' }).format(toDate(value));

/** "Fri 27 Mar" */
export const formatDay = (value: string | number | Date, timeZone: string) => formatter(timeZone, { weekday: 'short', day: 'numeric', month: 'short' }).format(toDate(value));

/** "27 Mar, 14:00" */
export const formatShort = (value: string | number | Date, timeZone: string) =>
  formatter(timeZone, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(toDate(value));

/** The zone's offset from UTC at an instant, in minutes (London: 0 in winter, 60 in summer). */
export function offsetMinutes(instant: number, timeZone: string): number {
  const name = formatter(timeZone, { timeZoneName: 'longOffset' })
    .formatToParts(new Date(instant))
    .find((part) => part.type === 'timeZoneName')?.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? '');
  if (!match) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

/** "2026-11-20T10:00" read as wall-clock time in the zone → the instant (ISO, UTC). */
export function zonedInputToIso(value: string, timeZone: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!match) return undefined;
  const wall = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), Number(match[4]), Number(match[5]));
  // Twice: the offset at the guessed instant can differ from the one at the answer near a clock change.
  const guess = wall - offsetMinutes(wall, timeZone) * 60_000;
  return new Date(wall - offsetMinutes(guess, timeZone) * 60_000).toISOString();
}

/** An instant as the value of a datetime-local input, in the zone. */
export function isoToZonedInput(iso: string, timeZone: string): string {
  const instant = Date.parse(iso);
  const local = new Date(instant + offsetMinutes(instant, timeZone) * 60_000);
  return local.toISOString().slice(0, 16);
}

/** "+3 d", "−12 h", "0": hours from a launch, as an axis label. */
export function formatOffset(hours: number): string {
  if (hours === 0) return 'launch';
  const sign = hours > 0 ? '+' : '−';
  const size = Math.abs(hours);
  return size % 24 === 0 ? `${sign}${size / 24} d` : `${sign}${size} h`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 120 ? `${minutes} min` : `${(minutes / 60).toFixed(1)} h`;
}
