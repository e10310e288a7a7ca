// The object `connect()` returns: one method per verb of the CLI, each one typed request to the
// daemon, and the streams (logs, events) as async iterators on connections of their own.
import { applyInBatches } from '../cli/apply-batches.js';
import type { DaemonClient } from '../cli/daemon-client.js';
import { PmError } from '../protocol/errors.js';
import type { PmEvent } from '../protocol/events.js';
import type { LogLine, LogStream } from '../protocol/log-line.js';
import type { AppDetails, ApplyReply, PoolBounds, ScaleChange } from '../protocol/messages.js';
import type { ProcessInfo } from '../protocol/process-info.js';
import {
  type AppDefinition,
  type AppsToStart,
  buildDefinedApp,
  type ConfigStartOptions,
  loadConfigApps,
} from './app-definition.js';
import { iterateStream, StreamSet } from './event-stream.js';
import { type TargetInput, toTarget } from './target-input.js';

/** What a start applied: the instances of the apps, per app what happened, and the file's warnings. */
export interface StartResult extends ApplyReply {
  /** Keys of a config file that nothing acts on; empty for app definitions. */
  warnings: string[];
}

export interface ReloadOptions {
  /** Instances replaced at once (default 1). */
  parallel?: number;
}

/** `4` sets the count; `{ add: 2 }` or `{ add: -1 }` changes it. */
export type ScaleCount = number | { add: number };

export interface LogsOptions {
  /** The last lines of each stream file first (default 20). */
  lines?: number;
  /** Then new lines as they are written, until the loop leaves or `close()`. */
  follow?: boolean;
  /** Default both. */
  streams?: LogStream[];
  /** Only lines newer than this, epoch ms. */
  sinceMs?: number;
  /** Only lines matching this regular expression (no backreferences or lookarounds, ≤ 256 characters). */
  grep?: string;
}

export interface EventsOptions {
  /** The last events first (default 50). */
  lines?: number;
  /** Then new events as they happen, until the loop leaves or `close()`. */
  follow?: boolean;
  /** Only events newer than this, epoch ms. */
  sinceMs?: number;
}

type LifecycleVerb = 'stop' | 'restart' | 'delete' | 'pause' | 'resume';

export class PmClient {
  private closed = false;
  private readonly streams = new StreamSet();

  /** `openConnection` opens a stream's own connection to the same daemon. */
  constructor(
    private readonly client: DaemonClient,
    private readonly openConnection: () => Promise<DaemonClient>,
    /** The home this client's daemon serves (socket, state, logs). */
    readonly home: string,
  ) {}

  /** What the daemon had to say since it was last asked (a state file moved aside, processes swept). */
  get notices(): readonly string[] {
    return this.client.notices;
  }

  /** Applies a config file (start what is missing, restart what changed), as `pm start pm.yaml`. */
  start(configFile: string, options?: ConfigStartOptions): Promise<StartResult>;
  /** Defines and starts apps, as `pm start <script>`; an app of the same name is redefined. */
  start(apps: AppDefinition | AppDefinition[]): Promise<StartResult>;
  async start(
    what: string | AppDefinition | AppDefinition[],
    options: ConfigStartOptions = {},
  ): Promise<StartResult> {
    const client = this.open();
    const { apps, settings, warnings }: AppsToStart =
      typeof what === 'string'
        ? await loadConfigApps(what, options)
        : { apps: [what].flat().map(buildDefinedApp), warnings: [] };
    if (apps.length === 0 && !settings) return { instances: [], changes: [], warnings };
    const applied = await applyInBatches(client, apps, settings, { force: options.force === true });
    return { ...applied, warnings };
  }

  stop(target: TargetInput): Promise<ProcessInfo[]> {
    return this.lifecycle('stop', target);
  }

  /** Stops and starts again; a stopped instance just starts. */
  restart(target: TargetInput): Promise<ProcessInfo[]> {
    return this.lifecycle('restart', target);
  }

  /** Replaces each instance by a fresh run that is ready before the old one stops. */
  async reload(target: TargetInput, options: ReloadOptions = {}): Promise<ProcessInfo[]> {
    return this.open().request({ type: 'reload', target: toTarget(target), parallel: options.parallel ?? 1 });
  }

  /** Stops and forgets. */
  delete(target: TargetInput): Promise<ProcessInfo[]> {
    return this.lifecycle('delete', target);
  }

  /** Sets (or changes) the app's number of instances; `bounds` changes a pool's min and max first. */
  async scale(name: string, count: ScaleCount, bounds?: PoolBounds): Promise<ProcessInfo[]> {
    const change: ScaleChange =
      typeof count === 'number' ? { mode: 'set', count } : { mode: 'add', count: count.add };
    return this.open().request({ type: 'scale', name, change, ...(bounds && { bounds }) });
  }

  /** Freezes every process of the tree (cgroup freezer, else SIGSTOP). */
  pause(target: TargetInput): Promise<ProcessInfo[]> {
    return this.lifecycle('pause', target);
  }

  resume(target: TargetInput): Promise<ProcessInfo[]> {
    return this.lifecycle('resume', target);
  }

  async list(): Promise<ProcessInfo[]> {
    return this.open().request({ type: 'list' });
  }

  /** The apps of the target with their full definition (environment unmasked) and restart history. */
  async describe(target: TargetInput): Promise<AppDetails[]> {
    return this.open().request({ type: 'describe', target: toTarget(target) });
  }

  /** The last lines of the target's output merged by time, then with `follow` new ones. */
  logs(target: TargetInput = 'all', options: LogsOptions = {}): AsyncGenerator<LogLine, void, undefined> {
    return iterateStream(
      () => this.openStream(),
      (connection, onLine) =>
        connection.stream(
          {
            type: 'logs',
            target: toTarget(target),
            lines: options.lines ?? 20,
            follow: options.follow === true,
            streams: options.streams ?? ['out', 'err'],
            ...(options.sinceMs !== undefined && { sinceMs: options.sinceMs }),
            ...(options.grep !== undefined && { grep: options.grep }),
          },
          onLine,
        ),
      this.streams,
    );
  }

  /** The last lifecycle events (started, exited, errored, scaled, ...), then with `follow` new ones. */
  events(options: EventsOptions = {}): AsyncGenerator<PmEvent, void, undefined> {
    return iterateStream(
      () => this.openStream(),
      (connection, onEvent) =>
        connection.stream(
          {
            type: 'events',
            lines: options.lines ?? 50,
            follow: options.follow === true,
            ...(options.sinceMs !== undefined && { sinceMs: options.sinceMs }),
          },
          onEvent,
        ),
      this.streams,
    );
  }

  /** Ends every stream and the connection; the daemon and its apps keep running. */
  async close(): Promise<void> {
    this.closed = true;
    this.streams.closeAll();
    this.client.close();
  }

  private async lifecycle(verb: LifecycleVerb, target: TargetInput): Promise<ProcessInfo[]> {
    return this.open().request({ type: verb, target: toTarget(target) });
  }

  /** The connection, unless close() was called: then the request would only say the connection closed. */
  private open(): DaemonClient {
    if (this.closed) throw new PmError('bad-request', 'this pm client is closed: connect() again');
    return this.client;
  }

  private async openStream(): Promise<DaemonClient> {
    this.open();
    return this.openConnection();
  }
}
