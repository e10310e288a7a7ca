// The bottom two lines: the status line (the last action's result or error, the filter being
// typed, or a lost connection), then the keys, labelled for the selected instance.
import { Box, Text } from 'ink';
import { Fragment } from 'react';

export type StatusTone = 'info' | 'busy' | 'ok' | 'error';

export interface StatusMessage {
  text: string;
  tone: StatusTone;
}

const TONE_COLOR: Record<StatusTone, string | undefined> = {
  info: undefined,
  busy: 'yellow',
  ok: 'green',
  error: 'red',
};

export interface FooterProps {
  status: StatusMessage | null;
  /** The filter being typed, or null when not in filter mode. */
  filterInput: string | null;
  labels: { s: string; p: string };
  /** Wide terminals also list j/k and PgUp/PgDn. */
  columns: number;
}

export function Footer(props: FooterProps) {
  const keys: Array<[string, string]> = [
    [props.columns >= 100 ? '↑↓/jk' : '↑↓', 'move'],
    ['r', 'restart'],
    ['s', props.labels.s],
    ['p', props.labels.p],
    ['+/-', 'scale'],
    ['l', 'logs'],
    ['e', 'events'],
    ['/', 'filter'],
    ['q', 'quit'],
  ];
  return (
    <Box flexDirection="column">
      {props.filterInput !== null ? (
        <Text wrap="truncate">
          filter: {props.filterInput}
          <Text inverse> </Text>
          <Text dimColor> (enter to keep, esc to clear)</Text>
        </Text>
      ) : (
        <Text wrap="truncate" color={props.status ? TONE_COLOR[props.status.tone] : undefined}>
          {props.status?.text ?? ' '}
        </Text>
      )}
      <Text wrap="truncate">
        {keys.map(([key, label], i) => (
          <Fragment key={key}>
            {i > 0 ? ' ' : ''}
            <Text bold color="cyan">
              {key}
            </Text>{' '}
            <Text dimColor>{label}</Text>
          </Fragment>
        ))}
      </Text>
    </Box>
  );
}
