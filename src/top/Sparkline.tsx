// A one-line chart of recent samples (▁▂▃▄▅▆▇█), newest on the right.
import { Text } from 'ink';

const BARS = '▁▂▃▄▅▆▇█';

export interface SparkScale {
  /** Bottom of the scale; default: the smallest value shown. */
  min?: number;
  /** Top of the scale; default: the largest value shown. */
  max?: number;
}

/** The last `width` values as bars, padded on the left while the history is shorter than the width. */
export function sparkline(values: readonly number[], width: number, scale: SparkScale = {}): string {
  if (width <= 0) return '';
  const shown = values.slice(-width);
  if (shown.length === 0) return ' '.repeat(width);
  const low = scale.min ?? Math.min(...shown);
  const high = Math.max(scale.max ?? Math.max(...shown), ...shown);
  const range = high - low;
  const bars = shown.map((value) => {
    if (range <= 0) return BARS[0];
    const level = Math.round(((value - low) / range) * (BARS.length - 1));
    return BARS[Math.max(0, Math.min(BARS.length - 1, level))];
  });
  return bars.join('').padStart(width, ' ');
}

export function Sparkline(props: {
  values: readonly number[];
  width: number;
  scale?: SparkScale;
  color?: string;
}) {
  return <Text color={props.color}>{sparkline(props.values, props.width, props.scale)}</Text>;
}
