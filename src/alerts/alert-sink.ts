// Where an alert goes besides the event log. Each kind of sink (webhook, command) is one file.
import type { PmEvent } from '../protocol/events.js';

export interface AlertSink {
  /** Identifies the sink across apps: two apps with the same webhook share one sink. */
  readonly key: string;
  /** How the sink is named in an `alert-failed` event. */
  readonly label: string;
  /** Resolves once delivered; rejects with a one-line reason when delivery failed for good. */
  send(event: PmEvent): Promise<void>;
}

/** One line for humans (chat webhooks show it as is): who, what, why. */
export function alertText(event: PmEvent): string {
  const who =
    event.app === undefined ? 'daemon' : `${event.app}${event.index === undefined ? '' : `:${event.index}`}`;
  return `pm ${event.severity}: ${who} ${event.type}: ${event.message}`;
}
