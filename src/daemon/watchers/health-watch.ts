// Runs the health probes of every instance that has them: one checker per run, suspended while the
// instance is paused, dropped when the run ends. Verdicts reach the instance as its health field, and
// a failed liveness probe as a `check-failed` event: the state machine decides what a restart means.
import { HealthChecker, type HealthCheckerDeps } from '../../health/health-checker.js';
import { runProbe } from '../../health/run-probe.js';
import type { ManagedProcess } from '../../supervisor/managed-process.js';
import type { ProcessPool } from '../../supervisor/process-pool.js';
import { instanceEnv } from '../../supervisor/spawn.js';

interface Watched {
  /** The run the checker belongs to: pid and start time. */
  run: string;
  checker: HealthChecker;
}

export class HealthWatch {
  private readonly watched = new Map<ManagedProcess, Watched>();
  private readonly onChange = (proc: ManagedProcess) => this.update(proc);

  constructor(
    private readonly pool: ProcessPool,
    /** PM_HOME in the env of exec probes, as in the app's own. */
    private readonly home: string,
    private readonly deps: HealthCheckerDeps = { runProbe, now: Date.now },
  ) {}

  start(): void {
    this.pool.on('change', this.onChange);
    for (const proc of this.pool.all()) this.update(proc);
  }

  stop(): void {
    this.pool.off('change', this.onChange);
    for (const { checker } of this.watched.values()) checker.stop();
    this.watched.clear();
  }

  private update(proc: ManagedProcess): void {
    const state = proc.state;
    const current = this.watched.get(proc);
    if ((state.status !== 'online' && state.status !== 'paused') || proc.spec.health.length === 0) {
      current?.checker.stop();
      this.watched.delete(proc);
      return;
    }
    const run = `${state.pid}@${state.startedAt}`;
    let checker = current?.checker;
    if (current?.run !== run) {
      current?.checker.stop();
      checker = this.createChecker(proc, state.startedAt);
      this.watched.set(proc, { run, checker });
    }
    if (state.status === 'paused') checker!.stop();
    else checker!.start();
  }

  private createChecker(proc: ManagedProcess, startedAt: number): HealthChecker {
    const context = {
      cwd: proc.spec.cwd,
      runAs: proc.spec.runAs,
      env: {
        ...instanceEnv({
          spec: proc.spec,
          index: proc.index,
          id: proc.id,
          home: this.home,
          run: proc.runId ?? '',
        }),
        // The run probed: behind a shared port, its own pid tells it from the other instances.
        PM_PID: String(proc.pid),
      },
    };
    return new HealthChecker(
      proc.spec.health,
      context,
      startedAt,
      (report) => {
        proc.setHealth(report.health, report.message, report.data);
        if (report.restart) proc.apply({ type: 'check-failed' });
      },
      this.deps,
    );
  }
}
