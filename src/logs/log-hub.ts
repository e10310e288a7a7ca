// Live output for `pm logs --follow`: the writers publish each block of whole lines as they read
// it; nothing is split into lines or decoded unless a subscriber wants that origin.
import type { LogLine } from '../protocol/log-line.js';
import type { LineOrigin } from './line-format.js';

export interface LogSubscriber {
  wants: (origin: LineOrigin) => boolean;
  send: (line: LogLine) => void;
}

// Publishing costs one size check while nobody follows.
export class LogHub {
  private readonly subscribers = new Set<LogSubscriber>();

  subscribe(subscriber: LogSubscriber): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  /** `lines` holds whole lines with their newlines; `ts` is null when the app keeps no timestamps. */
  publish(origin: LineOrigin, ts: number | null, lines: Buffer): void {
    if (this.subscribers.size === 0) return;
    const wanting = [...this.subscribers].filter((s) => s.wants(origin));
    if (wanting.length === 0) return;
    const texts = lines.toString('utf8', 0, lines.length - 1).split('\n');
    for (const line of texts) {
      const logLine: LogLine = { ts, app: origin.app, index: origin.index, stream: origin.stream, line };
      for (const subscriber of wanting) subscriber.send(logLine);
    }
  }
}
