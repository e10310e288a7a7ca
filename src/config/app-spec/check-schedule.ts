// A cron expression and time zone checked where they are written (croner parses them; the daemon
// uses the same library to compute the next run), so that a typo is refused with one line.
import { Cron } from 'croner';

/** Why `timezone` is not one, or null. */
export function whyNotTimezone(timezone: string): string | null {
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
    return null;
  } catch {
    return 'not an IANA time zone (e.g. Europe/Paris, America/New_York, UTC)';
  }
}

/** Why `cron` (with `timezone`, already checked) cannot be scheduled, or null. */
export function whyNotCron(cron: string, timezone: string | undefined): string | null {
  const fields = cron.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6)
    return `found ${fields} fields, expected 5 (minute hour day month weekday) or 6 (seconds first)`;
  try {
    new Cron(cron, { paused: true, ...(timezone && { timezone }) }).nextRun();
    return null;
  } catch (error) {
    return (error as Error).message.split('\n')[0]!.replace(/^Cron\w*: /, '');
  }
}
