// Recent lifecycle events below the table, newest last: alerts in red, warnings in yellow.
import { Box, Text } from 'ink';
import type { PmEvent } from '../protocol/events.js';
import { printable } from './text-fit.js';

const SEVERITY_COLOR: Record<PmEvent['severity'], string | undefined> = {
  info: undefined,
  warning: 'yellow',
  alert: 'red',
};

function who(event: PmEvent): string {
  if (event.app === undefined) return 'daemon';
  return event.index === undefined ? event.app : `${event.app}:${event.index}`;
}

/** `14:03:07 web:0 exited: code 1 after 212 ms; restarting` (local time: this is a live view). */
export function eventLine(event: PmEvent): string {
  const time = new Date(event.ts).toTimeString().slice(0, 8);
  return `${time} ${who(event)} ${event.type}: ${printable(event.message)}`;
}

export function EventsPane(props: { events: PmEvent[]; rows: number }) {
  const shown = props.events.slice(-Math.max(0, props.rows - 1));
  return (
    <Box flexDirection="column" height={props.rows}>
      <Text wrap="truncate" bold inverse>
        {' recent events · e or esc to close '}
      </Text>
      {shown.length === 0 ? (
        <Text dimColor>no events yet</Text>
      ) : (
        shown.map((event, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: events have no id; the tail only grows at the end
          <Text key={i} wrap="truncate" color={SEVERITY_COLOR[event.severity]}>
            {eventLine(event)}
          </Text>
        ))
      )}
    </Box>
  );
}
