// The lifecycle event log: one JSON line per event in $PM_HOME/events.log, plus live subscribers
// (`pm events --follow`, `pm top`, alert sinks).
import fs from 'node:fs';
import type { EventSink, PmEvent, PmEventInput } from '../protocol/events.js';

type Listener = (event: PmEvent) => void;

export class EventLog implements EventSink {
  private readonly listeners = new Set<Listener>();

  constructor(
    private readonly file: string,
    private readonly now: () => number = Date.now,
  ) {}

  record(input: PmEventInput): void {
    const event: PmEvent = { ts: this.now(), ...input };
    try {
      // Synchronous: events are rare, and one must not be lost to a daemon crash right after it.
      fs.appendFileSync(this.file, `${JSON.stringify(event)}\n`, { mode: 0o600 });
    } catch (error) {
      process.stderr.write(`event log unavailable (${(error as Error).message}): ${JSON.stringify(event)}\n`);
    }
    for (const listener of this.listeners) listener(event);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The last `lines` events at or after `sinceMs`. */
  read(lines: number, sinceMs = 0): PmEvent[] {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      return [];
    }
    const events: PmEvent[] = [];
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const event = JSON.parse(line) as PmEvent;
        if (event.ts >= sinceMs) events.push(event);
      } catch {
        // a torn last line after a crash: skip it
      }
    }
    return lines === 0 ? [] : events.slice(-lines);
  }
}
