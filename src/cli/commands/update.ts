// `pm update`: restart the daemon in place, apps running on. The running daemon, whatever protocol it
// speaks, is told by a signal (SIGUSR2: detach) to write out its logs and state and exit without
// stopping anything; then a new daemon, started the normal way, adopts every app (same pids).
import fs from 'node:fs';
import type { Command } from 'commander';
import { resolvePaths } from '../../config/paths.js';
import { DAEMON_ENTRY } from '../../installed-package.js';
import { PmError } from '../../protocol/errors.js';
import { launchDaemon } from '../launch-daemon.js';
import { probeProcess } from '../process-probe.js';
import { withDaemon } from '../session.js';

const DETACH_TIMEOUT_MS = 15_000;
const POLL_MS = 10;

const isRunning = (pid: number): boolean => probeProcess(pid)?.running ?? false;

/** The pid in the pid file when it is a live pm daemon; a stale file may name a reused pid. */
function runningDaemonPid(pidFile: string): number | null {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  } catch {
    return null;
  }
  const probe = probeProcess(pid);
  return probe?.running && probe.command.includes(DAEMON_ENTRY) ? pid : null;
}

async function waitGone(pid: number): Promise<boolean> {
  const deadline = Date.now() + DETACH_TIMEOUT_MS;
  while (isRunning(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return true;
}

async function update(options: { json?: boolean }): Promise<void> {
  const paths = resolvePaths();
  const oldPid = runningDaemonPid(paths.pidFile);
  if (oldPid !== null) {
    process.kill(oldPid, 'SIGUSR2');
    if (!(await waitGone(oldPid))) {
      throw new PmError(
        'daemon-unavailable',
        `daemon ${oldPid} did not detach within ${DETACH_TIMEOUT_MS / 1000}s (see ${paths.daemonLog}); its apps still run`,
      );
    }
  }
  await launchDaemon(paths);
  const [ping, list] = await withDaemon((client) =>
    Promise.all([client.request({ type: 'ping' }), client.request({ type: 'list' })]),
  );
  const running = list.filter((p) => p.pid !== null).length;
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ previousPid: oldPid, pid: ping.pid, running, instances: list.length })}\n`,
    );
    return;
  }
  const from = oldPid === null ? 'no daemon was running' : `daemon ${oldPid} detached`;
  process.stdout.write(
    `${from}; daemon ${ping.pid} (pm ${ping.daemonVersion}, protocol ${ping.protocolVersion}) runs ${running} of ${list.length} instances\n`,
  );
}

export function registerUpdate(program: Command): void {
  program
    .command('update')
    .description(
      'restart the daemon in place (e.g. after upgrading pm): apps keep running with the same pids',
    )
    .option('--json', 'print the old and new daemon pids as JSON')
    .action(update);
}
