// One line of an instance's output as `pm logs` receives it, read back from a file or live.

export type LogStream = 'out' | 'err';

export const LOG_STREAMS: readonly LogStream[] = ['out', 'err'];

export interface LogLine {
  /** Epoch ms when the daemon read the line; null when its file keeps no time (timestamps off). */
  ts: number | null;
  app: string;
  /** The instance index; null for a line read back from a file that several instances share. */
  index: number | null;
  stream: LogStream;
  /** The text, without its newline. */
  line: string;
}
