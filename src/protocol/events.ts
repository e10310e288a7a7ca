// Lifecycle events: what happened to which instance, for the event log, `pm events` and alerts.

export type PmEventType =
  | 'daemon-started'
  | 'daemon-stopped'
  | 'started'
  | 'exited'
  | 'stopped'
  /** An instance is held back until its app's dependencies hold (depends_on). */
  | 'waiting'
  /** An instance is held back by a dependency that cannot hold as things are (it errored or failed). */
  | 'dependency-blocked'
  /** A schedule (cron:, cron_restart:) started a task or restarted a service. */
  | 'scheduled'
  /** A task's scheduled run was due while its previous run was still going: not started twice. */
  | 'schedule-skipped'
  /** The watch of an app is set up (watch:): changes from now on restart it. */
  | 'watching'
  /** A watched file changed (watch:): the app restarts (or reloads), and the file is named. */
  | 'file-changed'
  /** A watched path could not be watched (it went, or the system's inotify watches ran out). */
  | 'watch-error'
  /** A task exited 0. */
  | 'completed'
  /** A task exited with another code or a signal and is not restarted. */
  | 'failed'
  | 'errored'
  /** A start failed for want of a resource (file descriptors, processes, memory): retried with backoff. */
  | 'spawn-retry'
  | 'paused'
  | 'resumed'
  | 'adopted'
  | 'deleted'
  /** A pool's instance count changed: by `pm scale`, or by the autoscaler (the message says why). */
  | 'scaled'
  /** `pm reload` replaced an instance: its replacement was ready, then the old run stopped. */
  | 'reloaded'
  /** A reload's replacement was not ready in time (or exited): it was stopped, the old run kept. */
  | 'reload-failed'
  /** A daemon found a reload that its predecessor did not finish: the marked instance of each slot goes. */
  | 'reload-interrupted'
  /** The autoscaler could not do what the load asks: a spawn failed while growing, the pool is at
   * max_size with the load above its target (saturated), or its queue probe gave no number.
   * Retried at the next decision (or probe). */
  | 'scaling-error'
  | 'health-changed'
  | 'limit-exceeded'
  | 'log-fallback'
  | 'log-restored'
  | 'alert-failed'
  /** A config changed a daemon-wide setting (metrics interval, Prometheus port). */
  | 'settings-changed'
  /** The Prometheus port set before could not be served when the daemon started. */
  | 'prometheus-failed'
  /** The state file did not check out: it was moved aside, and what checked out was restored. */
  | 'state-invalid'
  /** The state file could not be written (a full disk): the previous one is kept, and retried. */
  | 'state-not-saved'
  /** The state file is written again after a failure. */
  | 'state-saved'
  /** A new daemon found processes of its home the state did not account for: adopted or stopped. */
  | 'orphans-swept'
  /** An instance went past a boundary: an OOM kill in its cgroup, its pids limit hit, a process of
   * its run found outside its cgroup. */
  | 'isolation-breach'
  /** A limit the host cannot enforce, accepted because the app says `best_effort`. */
  | 'limit-not-enforced'
  /** Cgroups left by a previous daemon for instances no longer defined were emptied and removed. */
  | 'cgroups-swept';

/** `alert` events also go to the configured alert sinks. */
export type Severity = 'info' | 'warning' | 'alert';

export interface PmEvent {
  /** Epoch ms. */
  ts: number;
  type: PmEventType;
  severity: Severity;
  /** The app and instance concerned, when there is one. */
  app?: string;
  index?: number;
  id?: number;
  /** One human line: what happened and why. */
  message: string;
  /** Machine-readable details (exit code, signal, probe, figures). */
  data?: Record<string, string | number | boolean | null>;
}

/** An event before the event log stamps its time. */
export type PmEventInput = Omit<PmEvent, 'ts'>;

/** Where supervisor code reports events; the daemon decides where they go. */
export interface EventSink {
  record(event: PmEventInput): void;
}
