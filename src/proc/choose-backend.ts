// The daemon's process backend, chosen once at its start: /proc where the host has it, the
// portable one elsewhere; PM_PROC_BACKEND forces one (CI runs the end-to-end tests again with
// `portable`, so that it cannot rot on a Linux machine).
import { createPortableBackend } from './portable/portable-backend.js';
import type { ProcBackend, ProcBackendName } from './proc-backend.js';
import { createProcfsBackend, hasProcfs } from './procfs-backend.js';

const NAMES: readonly ProcBackendName[] = ['procfs', 'portable'];

/** The backend `PM_PROC_BACKEND` asks for (unset or empty: the host's best); throws a one-line
 * reason for a name it does not know, or procfs on a host without /proc. */
export function chooseProcBackend(requested = process.env.PM_PROC_BACKEND ?? ''): ProcBackend {
  if (requested !== '' && !NAMES.includes(requested as ProcBackendName))
    throw new Error(`PM_PROC_BACKEND must be ${NAMES.join(' or ')}, not "${requested}"`);
  const procfs = hasProcfs();
  if (requested === 'procfs' && !procfs) throw new Error('PM_PROC_BACKEND=procfs: this host has no /proc');
  if (requested !== 'portable' && procfs) return createProcfsBackend();
  const backend = createPortableBackend();
  try {
    // tree-kill would fail later without a word (its ps has no error handler): ps must run now.
    backend.readEntries([process.pid]);
  } catch (error) {
    throw new Error(`the portable process backend needs ps: ${(error as Error).message}`);
  }
  return backend;
}

/** What `pm ping` says of it. */
export function describeBackend(backend: ProcBackend): string {
  return backend.name === 'procfs'
    ? 'procfs (one /proc scan for every instance)'
    : 'portable (ps, pidusage, tree-kill; lsof for descriptors)';
}
