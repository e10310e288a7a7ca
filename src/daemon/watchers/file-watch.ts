// Restart on file change (`watch:`): one tree watcher per app (an inotify watch per directory: no
// polling, no CPU while nothing changes), and once no change has come for watch_delay the app
// restarts (a rolling reload when it has listen: sockets), with an event that names the file.
import path from 'node:path';
import type { AppSpec } from '../../protocol/app-spec.js';
import type { EventSink } from '../../protocol/events.js';
import type { ProcessPool } from '../../supervisor/process-pool.js';
import { globRoot, matchesOrIsInside, matchGlob } from '../../watch/glob.js';
import { TreeWatcher } from '../../watch/tree-watcher.js';
import type { Service } from '../services.js';
import { throttle } from './throttle.js';

const RESYNC_MS = 1000;
/** What pm keeps directly in its home (config/paths.ts), by the start of the name. */
const PM_FILES = ['daemon.', 'state.json', 'events.log', 'dump.yaml', 'logs', 'pipes'];
/** A window of changes ends this many watch_delays after its first change at the latest. */
const MAX_WAIT_FACTOR = 10;

interface Watched {
  key: string;
  watcher: TreeWatcher;
  timer: NodeJS.Timeout | null;
  /** The files that changed in this quiet window (relative to cwd), the last one last. */
  changed: Set<string>;
  /** When the first change of the window came. */
  firstAt: number;
}

export class FileWatch implements Service {
  private readonly watched = new Map<string, Watched>();
  private readonly resyncs = throttle(() => this.resync(), RESYNC_MS);
  private readonly onChange = () => this.resyncs.trigger();

  constructor(
    private readonly pool: Pick<ProcessPool, 'specs' | 'select' | 'restart' | 'reload' | 'on' | 'off'>,
    private readonly events: EventSink,
    /** pm's own home: its logs and pipes change all the time, and are never watched. */
    private readonly home: string,
  ) {}

  start(): void {
    this.resyncs.now();
    this.pool.on('change', this.onChange);
  }

  async stop(): Promise<void> {
    this.pool.off('change', this.onChange);
    this.resyncs.cancel();
    await Promise.all([...this.watched.keys()].map((name) => this.unwatch(name)));
  }

  private resync(): void {
    const wanted = new Set<string>();
    for (const spec of this.pool.specs()) {
      if (!spec.watch) continue;
      wanted.add(spec.name);
      const key = JSON.stringify([spec.cwd, spec.watch, Boolean(spec.listen?.length)]);
      if (this.watched.get(spec.name)?.key === key) continue;
      void this.unwatch(spec.name);
      this.watch(spec, key);
    }
    for (const name of this.watched.keys()) if (!wanted.has(name)) void this.unwatch(name);
  }

  private watch(spec: AppSpec, key: string): void {
    const { cwd, name } = spec;
    const { paths, ignore, delayMs } = spec.watch!;
    const relative = (file: string) => path.relative(cwd, file).split(path.sep).join('/');
    const roots = paths.length === 0 ? [cwd] : [...new Set(paths.map((p) => path.resolve(cwd, globRoot(p))))];
    // The app's own log files (out_file: inside cwd), rotated ones too: each line pm writes would
    // otherwise restart the app, which writes a line, forever.
    const logFiles = [spec.logs.outFile, spec.logs.errFile].filter((f): f is string => f !== undefined);
    const ignored = (file: string) => {
      if (this.isHomeFile(file) || logFiles.some((log) => file.startsWith(log))) return true;
      const rel = relative(file);
      return rel !== '' && !rel.startsWith('..') && ignore.some((pattern) => matchesOrIsInside(pattern, rel));
    };
    const watcher = new TreeWatcher(roots, ignored);
    const entry: Watched = { key, watcher, timer: null, changed: new Set(), firstAt: 0 };
    watcher.on('change', (file) => {
      const rel = relative(file);
      if (
        paths.length > 0 &&
        !paths.some((pattern) => matchGlob(pattern, rel) || matchesOrIsInside(pattern, rel))
      )
        return;
      entry.changed.delete(rel);
      entry.changed.add(rel);
      // Quiet for watch_delay, or at the latest MAX_WAIT_FACTOR delays after the first change: an
      // app that writes into its tree all the time must still restart on a real change.
      const now = Date.now();
      if (entry.timer === null) entry.firstAt = now;
      else if (now - entry.firstAt >= delayMs * MAX_WAIT_FACTOR) return;
      else clearTimeout(entry.timer);
      entry.timer = setTimeout(() => this.restart(spec, entry), delayMs);
    });
    watcher.once('ready', (dirs) => {
      this.events.record({
        type: 'watching',
        severity: 'info',
        app: name,
        message: `watching ${paths.length > 0 ? paths.join(', ') : cwd} (${dirs} directories)`,
        data: { directories: dirs },
      });
    });
    watcher.on('error', (error) =>
      this.events.record({
        type: 'watch-error',
        severity: 'warning',
        app: name,
        message: `cannot watch ${roots.join(', ')}: ${(error as Error).message}`,
      }),
    );
    this.watched.set(name, entry);
    void watcher.start();
  }

  /** pm's own files: what it keeps in its home (socket, state, daemon log, event log, dump, and
   * their temporary and rotated files), and the logs and pipes folders; a project folder inside
   * the home is watched like any other. */
  private isHomeFile(file: string): boolean {
    if (path.dirname(file) === this.home)
      return PM_FILES.some((name) => path.basename(file).startsWith(name));
    return ['logs', 'pipes'].some((dir) => file.startsWith(`${path.join(this.home, dir)}${path.sep}`));
  }

  private restart(spec: AppSpec, entry: Watched): void {
    entry.timer = null;
    if (this.watched.get(spec.name) !== entry) return;
    const files = [...entry.changed];
    const file = files.at(-1)!;
    const more = files.length > 1 ? ` and ${files.length - 1} more` : '';
    const target = { kind: 'name', name: spec.name } as const;
    // `pm stop` means stopped until `pm start`: a change restarts an app that runs, and only that.
    const stopped = this.pool.select(target).every((p) => p.status === 'stopped');
    const how = stopped
      ? 'not restarted, the app is stopped'
      : spec.listen?.length
        ? 'reloading'
        : 'restarting';
    this.events.record({
      type: 'file-changed',
      severity: 'info',
      app: spec.name,
      message: `${file} changed${more}: ${how}`,
      data: { file, files: files.length },
    });
    entry.changed.clear();
    if (stopped) return;
    const done = spec.listen?.length ? this.pool.reload(target, { parallel: 1 }) : this.pool.restart(target);
    void done.catch(() => {}); // a reload that fails says so in its own event
  }

  private async unwatch(name: string): Promise<void> {
    const entry = this.watched.get(name);
    if (!entry) return;
    this.watched.delete(name);
    if (entry.timer) clearTimeout(entry.timer);
    entry.watcher.close();
  }
}
