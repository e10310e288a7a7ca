// Node cannot set a umask or rlimits on a child, nor hold it between fork and exec: a few lines of
// /bin/sh do it in the child itself, then `exec` the program, so that the pid stays the app's.
import type { AppSpec } from '../protocol/app-spec.js';

/** Exit code of a gated prelude whose gate closed without the go-ahead (the daemon went away). */
export const GATE_CLOSED_EXIT = 111;

/**
 * The shell script, run as `/bin/sh -c <script> <file> <args...>`, or null when nothing calls for
 * one (then the program is spawned directly). `gated`: first wait for a line on stdin.
 *
 * dash and bash (as sh, in POSIX mode) agree on `ulimit -c` in 512-byte blocks and `-l` in KiB;
 * the process limit is `-u` in bash and `-p` in dash. A limit that cannot be set stops the run
 * (`set -e`) with the shell's message on stderr: the app never runs without the limits it asked for.
 */
export function preludeScript(
  spec: Pick<AppSpec, 'umask' | 'rlimits' | 'listen'>,
  gated: boolean,
): string | null {
  const steps: string[] = [];
  // Socket activation: LISTEN_PID names the process the sockets are for, the app's own pid, which
  // the shell's $$ is once it execs the program.
  if (spec.listen?.length) steps.push('LISTEN_PID=$$; export LISTEN_PID');
  if (spec.umask !== undefined) steps.push(`umask ${spec.umask.toString(8).padStart(4, '0')}`);
  const { nofile, nproc, core, memlock } = spec.rlimits ?? {};
  if (nofile !== undefined) steps.push(`ulimit -n ${nofile}`);
  if (nproc !== undefined) steps.push(`{ ulimit -u ${nproc} 2>/dev/null || ulimit -p ${nproc}; }`);
  if (core !== undefined) steps.push(`ulimit -c ${Math.floor(core / 512)}`);
  if (memlock !== undefined) steps.push(`ulimit -l ${Math.floor(memlock / 1024)}`);
  if (steps.length === 0) return gated ? GATED_ONLY : null;
  return script(gated, steps);
}

function script(gated: boolean, steps: string[]): string {
  return [
    ...(gated ? [`read -r _ || exit ${GATE_CLOSED_EXIT}`] : []),
    'set -e',
    ...steps,
    // stdin was the gate's pipe: the app reads /dev/null, as an app spawned directly does.
    'exec "$0" "$@" </dev/null',
  ].join('\n');
}

/** Most runs where there are cgroups: one string that every such child's spawnargs keep, not one each. */
const GATED_ONLY = script(true, []);
