/**
 * WordPress keeps two clocks per comment and post: `date` in the site's time zone and `date_gmt` in
 * UTC, both printed without an offset ("2026-11-20T10:00:00"). Date filters (`after`, `before`) are
 * compared with the local column, after converting the parameter to local time (an offset in the
 * parameter is honoured; a bare date-time is taken as already local). This class does those
 * conversions for one site.
 */
export class SiteClock {
  readonly timezone: string;
  readonly #formatter: Intl.DateTimeFormat;
  // Offsets change only at DST boundaries, so one lookup per UTC hour keeps 100,000 comments cheap.
  readonly #offsetByHour = new Map<number, number>();

  constructor(timezone: string) {
    this.timezone = timezone;
    this.#formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  }

  /** Minutes east of UTC at this instant. */
  offsetMinutes(at: Date): number {
    const hour = Math.floor(at.getTime() / 3_600_000);
    let offset = this.#offsetByHour.get(hour);
    if (offset === undefined) {
      const probe = new Date(hour * 3_600_000);
      const parts = Object.fromEntries(this.#formatter.formatToParts(probe).map((p) => [p.type, p.value]));
      const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
      offset = Math.round((asUtc - probe.getTime()) / 60_000);
      this.#offsetByHour.set(hour, offset);
    }
    return offset;
  }

  /** "YYYY-MM-DDTHH:MM:SS" in the site's zone, as the REST API's `date` field. */
  localIso(at: Date): string {
    return gmtIso(new Date(at.getTime() + this.offsetMinutes(at) * 60_000));
  }

  /**
   * Turns an `after`/`before` value into the local "YYYY-MM-DDTHH:MM:SS" string WordPress compares
   * with the local date column, or undefined when it is not a date-time WordPress accepts.
   */
  localBoundary(param: string): string | undefined {
    const match = DATE_TIME.exec(param);
    if (!match) return undefined;
    const [, date, time, fraction, zone] = match;
    if (!zone) return `${date}T${time}`;
    const instant = new Date(`${date}T${time}${fraction?.replace(',', '.') ?? ''}${zone === 'z' ? 'Z' : normaliseZone(zone)}`);
    if (Number.isNaN(instant.getTime())) return undefined;
    return this.localIso(instant);
  }
}

/** "YYYY-MM-DDTHH:MM:SS" in UTC, as the REST API's `date_gmt` field. */
export function gmtIso(at: Date): string {
  return at.toISOString().slice(0, 19);
}

/** RFC 2822 date as RSS `pubDate` and WordPress's `lastBuildDate` print it. */
export function rfc2822(at: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${days[at.getUTCDay()]}, ${pad(at.getUTCDate())} ${months[at.getUTCMonth()]} ${at.getUTCFullYear()} ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())} +0000`;
}

/** HTTP-date (RFC 9110), for Last-Modified. */
export function httpDate(at: Date): string {
  return at.toUTCString();
}

// The shape rest_parse_date() accepts for `format: date-time` parameters.
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})([.,]\d+)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

function normaliseZone(zone: string): string {
  if (zone === 'Z') return 'Z';
  const sign = zone[0];
  const digits = zone.slice(1).replace(':', '');
  return `${sign}${digits.slice(0, 2)}:${digits.slice(2, 4) || '00'}`;
}
