// The state and health columns: fixed width, coloured like the CLI's table.
import { Text } from 'ink';
import { HEALTH_COLOR, STATUS_COLOR } from '../cli/output/colors.js';
import type { Health, ProcessStatus } from '../protocol/process-info.js';
import { fit } from './text-fit.js';

/** `waiting-restart` does not fit a narrow column; the rest are shown as they are. */
const STATUS_LABEL: Partial<Record<ProcessStatus, string>> = { 'waiting-restart': 'waiting' };

export function StatusCell(props: { status: ProcessStatus; width: number }) {
  return (
    <Text color={STATUS_COLOR[props.status]}>
      {fit(STATUS_LABEL[props.status] ?? props.status, props.width)}
    </Text>
  );
}

export function HealthCell(props: { health: Health; width: number }) {
  return <Text color={HEALTH_COLOR[props.health]}>{fit(props.health, props.width)}</Text>;
}
