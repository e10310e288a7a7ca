// The state and health columns: fixed width, coloured by meaning (green good, yellow in motion,
// red failed, cyan paused, grey at rest).
import { Text } from 'ink';
import type { Health, ProcessStatus } from '../protocol/process-info.js';
import { fit } from './text-fit.js';

const STATUS_COLOR: Record<ProcessStatus, string> = {
  online: 'green',
  starting: 'yellow',
  stopping: 'yellow',
  'waiting-restart': 'yellow',
  paused: 'cyan',
  errored: 'red',
  stopped: 'gray',
};

/** `waiting-restart` does not fit a narrow column; the rest are shown as they are. */
const STATUS_LABEL: Partial<Record<ProcessStatus, string>> = { 'waiting-restart': 'waiting' };

const HEALTH_COLOR: Record<Health, string> = { healthy: 'green', unhealthy: 'red', unknown: 'gray' };

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
