// Two lines above the table: the instance counts and totals, then the daemon's own footprint.
import { Box, Text } from 'ink';
import type { DaemonUsage } from '../protocol/monitoring.js';
import type { ProcessInfo } from '../protocol/process-info.js';
import { countsText, daemonText, totalsOf, totalsText } from './summary.js';

export interface HeaderProps {
  processes: ProcessInfo[];
  daemon: DaemonUsage | null;
  filter: string;
  /** Which rows the table shows, when they do not all fit. */
  scroll: { first: number; last: number; of: number } | null;
  now: number;
}

export function Header(props: HeaderProps) {
  const totals = totalsOf(props.processes);
  const errored = totals.byStatus.errored ?? 0;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text bold color="cyan">
          pm top
        </Text>{' '}
        <Text color={errored > 0 ? 'red' : undefined}>{countsText(totals)}</Text> · {totalsText(totals)}
      </Text>
      <Text wrap="truncate" dimColor>
        {daemonText(props.daemon, props.now)}
        {props.filter ? ` · filter "${props.filter}"` : ''}
        {props.scroll ? ` · rows ${props.scroll.first}-${props.scroll.last} of ${props.scroll.of}` : ''}
      </Text>
    </Box>
  );
}
