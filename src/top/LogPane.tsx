// The selected instance's output below the table, live: stdout as is, stderr in red.
import { Box, Text } from 'ink';
import type { LogLine } from '../protocol/log-line.js';
import { printable } from './text-fit.js';

export function LogPane(props: { title: string; lines: LogLine[]; rows: number }) {
  const shown = props.lines.slice(-Math.max(0, props.rows - 1));
  return (
    <Box flexDirection="column" height={props.rows}>
      <Text wrap="truncate" bold inverse>
        {` logs ${props.title} · stdout + stderr · l or esc to close `}
      </Text>
      {shown.length === 0 ? (
        <Text dimColor>no output yet</Text>
      ) : (
        shown.map((line, i) => (
          // Lines have no identity of their own; their position in the tail is stable enough here.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          <Text key={i} wrap="truncate" color={line.stream === 'err' ? 'red' : undefined}>
            {printable(line.line) || ' '}
          </Text>
        ))
      )}
    </Box>
  );
}
