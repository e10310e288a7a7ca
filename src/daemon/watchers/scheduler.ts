// Runs the apps' schedules (cron:, cron_restart:): at each due time a task is started, unless a run
// of it is still going (then that run is skipped, and said so), and a service is restarted. One
// timer per scheduled app, set from croner's next run; the definitions are read again when the pool
// changes, at most once a second.
import { Cron } from 'croner';
import type { ScheduleSpec } from '../../protocol/app-spec.js';
import type { EventSink } from '../../protocol/events.js';
import type { ScheduleInfo } from '../../protocol/messages.js';
import type { ProcessPool } from '../../supervisor/process-pool.js';
import type { Service } from '../services.js';
import { throttle } from './throttle.js';

/** A timer longer than this is set again when it fires (setTimeout holds at most 24.8 days). */
const MAX_TIMER_MS = 24 * 3600 * 1000;
const RESYNC_MS = 1000;

interface Entry {
  schedule: ScheduleSpec;
  key: string;
  cron: Cron;
  timer: NodeJS.Timeout | null;
  nextAt: number | null;
  last: ScheduleInfo['last'];
}

const describeSchedule = (s: ScheduleSpec) => `${s.cron}${s.timezone ? ` (${s.timezone})` : ''}`;

export class Scheduler implements Service {
  private readonly entries = new Map<string, Entry>();
  private readonly resyncs = throttle(() => this.resync(), RESYNC_MS);
  private readonly onChange = () => this.resyncs.trigger();

  constructor(
    private readonly pool: Pick<ProcessPool, 'specs' | 'select' | 'start' | 'restart' | 'on' | 'off'>,
    private readonly events: EventSink,
  ) {}

  start(): void {
    this.resyncs.now();
    this.pool.on('change', this.onChange);
  }

  stop(): void {
    this.pool.off('change', this.onChange);
    this.resyncs.cancel();
    for (const entry of this.entries.values()) if (entry.timer) clearTimeout(entry.timer);
    this.entries.clear();
  }

  info(name: string): ScheduleInfo | undefined {
    // An app defined a moment ago, before the next resync.
    if (!this.entries.has(name)) this.resyncs.now();
    const entry = this.entries.get(name);
    return entry && { nextAt: entry.nextAt, last: entry.last };
  }

  /** Timers for new and changed schedules; none for apps without one any more. */
  private resync(): void {
    const scheduled = new Set<string>();
    for (const spec of this.pool.specs()) {
      if (!spec.schedule) continue;
      scheduled.add(spec.name);
      const key = JSON.stringify(spec.schedule);
      const entry = this.entries.get(spec.name);
      if (entry?.key === key) continue;
      if (entry?.timer) clearTimeout(entry.timer);
      const { cron, timezone } = spec.schedule;
      let parsed: Cron;
      try {
        parsed = new Cron(cron, { paused: true, ...(timezone && { timezone }) });
      } catch {
        continue; // checked where it was written; a state file from elsewhere may still hold a bad one
      }
      const fresh: Entry = {
        schedule: spec.schedule,
        key,
        cron: parsed,
        timer: null,
        nextAt: null,
        last: null,
      };
      this.entries.set(spec.name, fresh);
      this.arm(spec.name, fresh, new Date());
    }
    for (const [name, entry] of this.entries) {
      if (scheduled.has(name)) continue;
      if (entry.timer) clearTimeout(entry.timer);
      this.entries.delete(name);
    }
  }

  /** The timer for the first due time after `after`. */
  private arm(name: string, entry: Entry, after: Date): void {
    const next = entry.cron.nextRun(after);
    entry.nextAt = next ? next.getTime() : null;
    if (entry.nextAt === null) return;
    const delayMs = Math.min(MAX_TIMER_MS, Math.max(0, entry.nextAt - Date.now()));
    entry.timer = setTimeout(() => this.due(name, entry), delayMs);
    entry.timer.unref();
  }

  private due(name: string, entry: Entry): void {
    entry.timer = null;
    if (this.entries.get(name) !== entry || entry.nextAt === null) return;
    // A timer capped at MAX_TIMER_MS fires before the run is due: set it again.
    if (Date.now() < entry.nextAt) {
      this.arm(name, entry, new Date(entry.nextAt - 1));
      return;
    }
    const at = entry.nextAt;
    this.run(name, entry);
    // After the slot that fired, never at it again (a timer may fire a moment early).
    this.arm(name, entry, new Date(Math.max(at, Date.now())));
  }

  private run(name: string, entry: Entry): void {
    const target = { kind: 'name', name } as const;
    const when = describeSchedule(entry.schedule);
    const now = Date.now();
    if (entry.schedule.action === 'restart') {
      // `pm stop` means stopped until `pm start`: a scheduled restart is of a service that runs.
      if (this.pool.select(target).every((p) => p.status === 'stopped')) {
        const detail = 'the app is stopped';
        entry.last = { at: now, outcome: 'skipped', detail };
        this.record(name, 'schedule-skipped', 'info', `scheduled restart skipped (${when}): ${detail}`);
        return;
      }
      entry.last = { at: now, outcome: 'restarted', detail: when };
      this.record(name, 'scheduled', 'info', `restarted on schedule ${when}`);
      void this.pool.restart(target).catch(() => {});
      return;
    }
    const running = this.pool.select(target).filter((p) => p.pid !== null);
    if (running.length > 0) {
      const detail = `its run of pid ${running.map((p) => p.pid).join(', ')} is still going`;
      entry.last = { at: now, outcome: 'skipped', detail };
      this.record(name, 'schedule-skipped', 'warning', `scheduled run skipped (${when}): ${detail}`);
      return;
    }
    entry.last = { at: now, outcome: 'started', detail: when };
    this.record(name, 'scheduled', 'info', `run on schedule ${when}`);
    void this.pool.start(target).catch(() => {});
  }

  private record(
    app: string,
    type: 'scheduled' | 'schedule-skipped',
    severity: 'info' | 'warning',
    message: string,
  ) {
    this.events.record({ type, severity, app, message });
  }
}
