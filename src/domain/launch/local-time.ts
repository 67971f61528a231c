// Wall-clock time in a campaign's zone, from the platform's time-zone database (Intl), so daylight
// saving changes (Europe/London: GMT in winter, BST = UTC+1 in summer) need no table of our own.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** ISO 8601 local date-time with the zone's offset at that instant: "2026-03-29T11:00:00+01:00". */
export function localIsoString(instant: Date, timeZone: string): string {
  const parts = Object.fromEntries(formatterFor(timeZone).formatToParts(instant).map((part) => [part.type, part.value]));
  // longOffset is "GMT" at a zero offset and "GMT+01:00" otherwise.
  const zoneName = parts.timeZoneName ?? 'GMT';
  const offset = zoneName === 'GMT' ? '+00:00' : zoneName.slice(3);
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}
