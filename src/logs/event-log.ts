// The lifecycle event log: one JSON line per event in $PM_HOME/events.log, rotated like the app
// logs, plus live subscribers (`pm events --follow`, `pm top`, alert sinks).
import fs from 'node:fs';
import { DEFAULT_LOGS } from '../config/defaults.js';
import { appendNoFollow } from '../config/no-follow.js';
import type { EventSink, PmEvent, PmEventInput } from '../protocol/events.js';
import { rotateFile } from './rotate-file.js';
import { rotatedFiles } from './rotated-files.js';
import { linesFromEnd } from './tail.js';

type Listener = (event: PmEvent) => void;

export interface EventLogRotation {
  maxSizeBytes: number;
  maxFiles: number;
}

// Synchronous appends: an event must survive a daemon crash right after it.
export class EventLog implements EventSink {
  private readonly listeners = new Set<Listener>();
  private sizeBytes: number;

  constructor(
    private readonly file: string,
    private readonly now: () => number = Date.now,
    private readonly rotation: EventLogRotation = DEFAULT_LOGS,
  ) {
    this.sizeBytes = fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  }

  record(input: PmEventInput): void {
    const event: PmEvent = { ts: this.now(), ...input };
    const line = `${JSON.stringify(event)}\n`;
    try {
      this.rotateIfFull(Buffer.byteLength(line));
      // Synchronous: events are rare, and one must not be lost to a daemon crash right after it.
      appendNoFollow(this.file, line, 0o600);
      this.sizeBytes += Buffer.byteLength(line);
    } catch (error) {
      process.stderr.write(`event log unavailable (${(error as Error).message}): ${line}`);
    }
    for (const listener of this.listeners) listener(event);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The last `lines` events at or after `sinceMs`, oldest first, read from the end of the files. */
  read(lines: number, sinceMs = 0): PmEvent[] {
    const events: PmEvent[] = [];
    if (lines === 0) return events;
    for (const file of [this.file, ...rotatedFiles(this.file).filter((f) => !f.endsWith('.gz'))]) {
      for (const line of linesFromEnd(file)) {
        const event = parseEvent(line);
        if (!event) continue;
        if (event.ts < sinceMs || events.push(event) === lines) return events.reverse();
      }
    }
    return events.reverse();
  }

  private rotateIfFull(lineBytes: number): void {
    const { maxSizeBytes, maxFiles } = this.rotation;
    if (maxSizeBytes === 0 || this.sizeBytes === 0 || this.sizeBytes + lineBytes <= maxSizeBytes) return;
    rotateFile(this.file, { maxFiles, compress: false }, this.now());
    this.sizeBytes = 0;
  }
}

function parseEvent(line: string): PmEvent | null {
  try {
    const event = JSON.parse(line) as PmEvent;
    return typeof event?.ts === 'number' ? event : null;
  } catch {
    return null; // a torn last line after a crash
  }
}
