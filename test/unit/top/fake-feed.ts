// A ProcessFeed with no daemon: tests push watch events and see which requests the keys send.
import type { PmEvent } from '../../../src/protocol/events.js';
import type { LogLine, LogStream } from '../../../src/protocol/log-line.js';
import type { DaemonUsage, WatchEvent } from '../../../src/protocol/monitoring.js';
import type { ProcessInfo } from '../../../src/protocol/process-info.js';
import type { ControlRequest, ProcessFeed } from '../../../src/top/process-feed.js';

export function info(
  name: string,
  index: number,
  id: number,
  overrides: Partial<ProcessInfo> = {},
): ProcessInfo {
  return {
    id,
    name,
    index,
    pid: 1000 + id,
    status: 'online',
    reason: '',
    health: 'unknown',
    restarts: 0,
    startedAt: 1_000_000,
    cpuPercent: 1.5,
    memoryBytes: 20 * 1024 * 1024,
    openFds: null,
    lastExit: null,
    restartAt: null,
    outLog: `/logs/${name}-${index}.out.log`,
    errLog: `/logs/${name}-${index}.err.log`,
    ...overrides,
  };
}

/** A line of web:1's output, as the daemon streams it. */
export function outputLine(stream: LogStream, line: string): LogLine {
  return { ts: 1_000_000, app: 'web', index: 1, stream, line };
}

export const DAEMON: DaemonUsage = {
  pid: 4242,
  startedAt: 1_000_000,
  cpuPercent: 0.4,
  memoryBytes: 60 * 1024 * 1024,
};

export function snapshot(processes: ProcessInfo[]): WatchEvent {
  return { type: 'snapshot', processes, daemon: DAEMON, trails: {}, metricsIntervalMs: 1000 };
}

export class FakeFeed implements ProcessFeed {
  readonly requests: ControlRequest[] = [];
  /** What control() answers: a list of instances, or an error to reject with. */
  reply: (request: ControlRequest) => ProcessInfo[] | Error = () => [];
  logLines: LogLine[] = [];
  events: PmEvent[] = [];
  followedLogs: number[] = [];
  private listener: ((event: WatchEvent) => void) | null = null;
  private onError: ((error: Error) => void) | null = null;
  private pushLog: ((lines: LogLine[]) => void) | null = null;
  private pushEvents: ((events: PmEvent[]) => void) | null = null;

  constructor(private readonly initial: WatchEvent) {}

  watch(onEvent: (event: WatchEvent) => void, onError: (error: Error) => void): () => void {
    this.listener = onEvent;
    this.onError = onError;
    onEvent(this.initial);
    return () => {
      this.listener = null;
    };
  }

  get isWatched(): boolean {
    return this.listener !== null;
  }

  emit(event: WatchEvent): void {
    this.listener?.(event);
  }

  fail(error: Error): void {
    this.onError?.(error);
  }

  control(request: ControlRequest): Promise<ProcessInfo[]> {
    this.requests.push(request);
    const answer = this.reply(request);
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  }

  followLog(p: ProcessInfo, onLines: (lines: LogLine[]) => void): () => void {
    this.followedLogs.push(p.id);
    this.pushLog = onLines;
    onLines(this.logLines);
    return () => {
      this.pushLog = null;
    };
  }

  appendLog(lines: LogLine[]): void {
    this.pushLog?.(lines);
  }

  followEvents(onEvents: (events: PmEvent[]) => void): () => void {
    this.pushEvents = onEvents;
    onEvents(this.events);
    return () => {
      this.pushEvents = null;
    };
  }

  appendEvents(events: PmEvent[]): void {
    this.pushEvents?.(events);
  }
}
