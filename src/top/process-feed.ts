// What `pm top` needs from the daemon, as an interface: the daemon feed implements it over the
// socket, and tests use a fake one, so the TUI is rendered and driven without a daemon.
import type { PmEvent } from '../protocol/events.js';
import type { LogLine } from '../protocol/log-line.js';
import type { RequestOf } from '../protocol/messages.js';
import type { WatchEvent } from '../protocol/monitoring.js';
import type { ProcessInfo } from '../protocol/process-info.js';

/** The lifecycle requests that keys of `pm top` send. */
export type ControlRequest = RequestOf<'start' | 'stop' | 'restart' | 'pause' | 'resume' | 'scale'>;

export interface ProcessFeed {
  /** A snapshot first, then updates; `onError` once if the feed breaks. Returns an unsubscribe. */
  watch(onEvent: (event: WatchEvent) => void, onError: (error: Error) => void): () => void;
  /** Sends a lifecycle request; resolves with the affected instances, rejects with a PmError. */
  control(request: ControlRequest): Promise<ProcessInfo[]>;
  /** The last lines of the instance's output, then new lines as they are written. */
  followLog(info: ProcessInfo, onLines: (lines: LogLine[]) => void): () => void;
  /** Recent lifecycle events, then new ones. */
  followEvents(onEvents: (events: PmEvent[]) => void): () => void;
}
