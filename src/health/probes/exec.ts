// Exec probe: run a shell command in the instance's directory and environment, as its user; exit
// code 0 passes.
// It runs in its own process group, so an abort (timeout, instance stopping) kills all it started.
import { spawn } from 'node:child_process';
import type { Probe } from '../probe.js';

export const probeExec: Probe<{ type: 'exec'; command: string }> = (check, context, signal) =>
  new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', check.command], {
      cwd: context.cwd,
      env: context.env,
      detached: true,
      stdio: 'ignore',
      ...(context.runAs && { uid: context.runAs.uid, gid: context.runAs.gid }),
    });
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group is gone already
      }
    };
    signal.addEventListener('abort', killGroup, { once: true });
    child.once('error', (error) => resolve({ ok: false, reason: error.message }));
    child.once('exit', (code, exitSignal) => {
      // Whatever the command left behind in its group must not outlive the probe.
      killGroup();
      signal.removeEventListener('abort', killGroup);
      if (code === 0) resolve({ ok: true });
      else
        resolve({ ok: false, reason: exitSignal ? `killed by ${exitSignal}` : `exited with code ${code}` });
    });
  });
