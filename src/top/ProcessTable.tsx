// The instance table: one row per instance (name:index, state, health, pid, cpu and memory with
// sparklines, uptime, restarts), only the visible window of rows, the selection highlighted.
import { Box, Text } from 'ink';
import { formatBytes, formatCpu, formatUptime } from '../cli/output/format.js';
import type { UsageTrail } from '../protocol/monitoring.js';
import type { ProcessInfo } from '../protocol/process-info.js';
import { FIXED_COLUMNS as COL, type TableLayout } from './layout.js';
import { Sparkline, type SparkScale } from './Sparkline.js';
import { HealthCell, StatusCell } from './StatusCell.js';
import { fit, fitRight } from './text-fit.js';

export interface ProcessTableProps {
  /** The visible rows only. */
  rows: ProcessInfo[];
  selectedId: number | null;
  trails: ReadonlyMap<number, UsageTrail>;
  layout: TableLayout;
  now: number;
}

// Bars start at 0%; the top is the highest value shown, at least 10% so that idle noise stays flat.
const CPU_SCALE = { min: 0, max: 10 };

/** Memory from its lowest shown value, with a top at least 25 % above it: a 100 KB wobble stays low. */
function memoryScale(values: readonly number[], width: number): SparkScale {
  const shown = values.slice(-width);
  const low = Math.min(...shown);
  return { min: low, max: Math.max(...shown, low * 1.25) };
}

function TitleRow({ layout }: { layout: TableLayout }) {
  const spark = layout.sparkWidth > 0 ? ' '.repeat(layout.sparkWidth + 1) : '';
  return (
    <Text bold wrap="truncate">
      {'  '}
      {fit('name', layout.nameWidth - 1)} {fit('state', COL.state - 1)} {fit('health', COL.health - 1)}{' '}
      {fitRight('pid', COL.pid - 1)} {fitRight('cpu', COL.cpu - 1)}
      {spark} {fitRight('mem', COL.memory - 1)}
      {spark} {fitRight('up', COL.uptime - 1)} {fitRight('↺', COL.restarts - 1)}
    </Text>
  );
}

function Row(
  props: { p: ProcessInfo; selected: boolean; trail: UsageTrail | undefined } & ProcessTableProps,
) {
  const { p, layout, selected, trail } = props;
  const spark = layout.sparkWidth;
  return (
    <Text wrap="truncate" inverse={selected}>
      {selected ? '› ' : '  '}
      {fit(`${p.name}:${p.index}`, layout.nameWidth - 1)}{' '}
      <StatusCell status={p.status} width={COL.state - 1} />{' '}
      <HealthCell health={p.health} width={COL.health - 1} /> {fitRight(String(p.pid ?? '-'), COL.pid - 1)}{' '}
      {fitRight(formatCpu(p.cpuPercent), COL.cpu - 1)}
      {spark > 0 && (
        <>
          {' '}
          <Sparkline values={trail?.cpuPercent ?? []} width={spark} scale={CPU_SCALE} color="green" />
        </>
      )}{' '}
      {fitRight(formatBytes(p.memoryBytes), COL.memory - 1)}
      {spark > 0 && (
        <>
          {' '}
          <Sparkline
            values={trail?.memoryBytes ?? []}
            width={spark}
            scale={memoryScale(trail?.memoryBytes ?? [], spark)}
            color="blue"
          />
        </>
      )}{' '}
      {fitRight(formatUptime(p.startedAt, props.now), COL.uptime - 1)}{' '}
      {fitRight(String(p.restarts), COL.restarts - 1)}
    </Text>
  );
}

export function ProcessTable(props: ProcessTableProps) {
  return (
    <Box flexDirection="column">
      <TitleRow layout={props.layout} />
      {props.rows.map((p) => (
        <Row
          key={p.id}
          p={p}
          selected={p.id === props.selectedId}
          trail={props.trails.get(p.id)}
          {...props}
        />
      ))}
    </Box>
  );
}
