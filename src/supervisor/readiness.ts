// When a reload's replacement is ready to take over: its readiness probe passed, or it said so on
// its ready pipe, or (with neither to wait for) it has been up listen_timeout. A behind-a-shared-port
// HTTP probe could be answered by the old instance: the notice and exec probes are the instance's own.
import { readyTimeoutMs } from '../config/app-spec/ready-timeout.js';
import { formatMs } from '../config/units.js';
import type { ManagedProcess } from './managed-process.js';
import type { Clock } from './world.js';

export type Readiness = { ready: true; by: string } | { ready: false; why: string };

/** Why a run that left `starting`/`online` is not going to be ready. */
function notRunning(proc: ManagedProcess): string {
  const { state } = proc;
  if (state.status === 'errored' && state.reason === 'spawn-failed')
    return `it could not start (${state.detail})`;
  const exit = proc.lastExit;
  if (!exit) return `it is ${state.status}`;
  return exit.signal ? `it was killed by ${exit.signal}` : `it exited with code ${exit.code}`;
}

/** Resolves once `proc` (started with wantsReadyNotice) is ready, or is known not to be in time. */
export function awaitReady(proc: ManagedProcess, clock: Clock): Readiness | Promise<Readiness> {
  const { spec } = proc;
  const probed = spec.health.some((p) => p.kind === 'readiness');
  const timeoutMs = readyTimeoutMs(spec);
  // Its first run must be the one ready: a run that exited and was restarted meanwhile failed.
  const firstPid = proc.pid;
  const verdict = (): Readiness | null => {
    const { status } = proc.state;
    if ((status !== 'starting' && status !== 'online') || proc.pid !== firstPid)
      return { ready: false, why: notRunning(proc) };
    if (probed) return proc.health === 'healthy' ? { ready: true, by: 'its readiness probe passed' } : null;
    return proc.readyNoticed ? { ready: true, by: 'it said it is ready' } : null;
  };
  const atDeadline = (): Readiness => {
    const now = verdict();
    if (now) return now;
    const waited = formatMs(timeoutMs);
    if (probed) return { ready: false, why: `its readiness probe did not pass within ${waited}` };
    if (spec.waitReady)
      return { ready: false, why: `it did not say it is ready (a line on PM_READY_FD) within ${waited}` };
    return { ready: true, by: `it has been up ${waited}` };
  };
  return new Promise((resolve) => {
    const finish = (result: Readiness) => {
      clock.clearTimeout(timer);
      proc.off('change', check);
      resolve(result);
    };
    const check = () => {
      const now = verdict();
      if (now) finish(now);
    };
    const timer = clock.setTimeout(() => finish(atDeadline()), timeoutMs);
    proc.on('change', check);
    check();
  });
}
