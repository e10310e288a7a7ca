// The ProcessFeed of a real daemon: one connection carries the lifecycle requests, and each
// stream (watch, a log tail, the event log) has its own, since closing it is how a stream ends.
import { DaemonClient } from '../cli/daemon-client.js';
import type { PmPaths } from '../config/paths.js';
import type { PmEvent } from '../protocol/events.js';
import type { LogLine } from '../protocol/log-line.js';
import type { WatchEvent } from '../protocol/monitoring.js';
import type { ProcessInfo } from '../protocol/process-info.js';
import type { ControlRequest, ProcessFeed } from './process-feed.js';

const LOG_LINES = 200;
const RECENT_EVENTS = 100;

export class DaemonFeed implements ProcessFeed {
  private readonly clients = new Set<DaemonClient>();

  private constructor(
    private readonly paths: PmPaths,
    private readonly controlClient: DaemonClient,
  ) {
    this.clients.add(controlClient);
  }

  /** Connects (starting the daemon if needed), so that an unreachable daemon fails before the TUI starts. */
  static async connect(paths: PmPaths): Promise<DaemonFeed> {
    return new DaemonFeed(paths, await DaemonClient.connect(paths, { autoStart: true }));
  }

  watch(onEvent: (event: WatchEvent) => void, onError: (error: Error) => void): () => void {
    return this.openStream((client) => client.stream({ type: 'watch' }, onEvent), onError);
  }

  /** What the daemon had to tell this command: printed once the view is gone. */
  get notices(): readonly string[] {
    return this.controlClient.notices;
  }

  control(request: ControlRequest): Promise<ProcessInfo[]> {
    return this.controlClient.request(request);
  }

  followLog(info: ProcessInfo, onLines: (lines: LogLine[]) => void): () => void {
    return this.openStream(
      (client) =>
        client.stream(
          { type: 'logs', target: { kind: 'id', id: info.id }, lines: LOG_LINES, follow: true, streams: [] },
          (line) => onLines([line]),
        ),
      () => {},
    );
  }

  followEvents(onEvents: (events: PmEvent[]) => void): () => void {
    return this.openStream(
      (client) =>
        client.stream({ type: 'events', lines: RECENT_EVENTS, follow: true }, (event) => onEvents([event])),
      () => {},
    );
  }

  close(): void {
    for (const client of this.clients) client.close();
    this.clients.clear();
  }

  /** Runs a stream on its own connection; the returned function closes it. */
  private openStream(
    run: (client: DaemonClient) => Promise<void>,
    onError: (error: Error) => void,
  ): () => void {
    let client: DaemonClient | null = null;
    let cancelled = false;
    DaemonClient.connect(this.paths, { autoStart: false }).then(
      (connected) => {
        if (cancelled) {
          connected.close();
          return;
        }
        client = connected;
        this.clients.add(connected);
        run(connected).then(
          () => !cancelled && onError(new Error('the daemon ended the stream')),
          (error: Error) => !cancelled && onError(error),
        );
      },
      (error: Error) => onError(error),
    );
    return () => {
      cancelled = true;
      if (client) {
        this.clients.delete(client);
        client.close();
      }
    };
  }
}
