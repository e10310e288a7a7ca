// The daemon's log machinery, built once: the shared file writers, the live hub for
// `pm logs --follow`, and the factory of each instance's output.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { instancePipePath, type PmPaths } from '../config/paths.js';
import type { AppSpec } from '../protocol/app-spec.js';
import type { EventSink } from '../protocol/events.js';
import { AwakePipes } from './awake-pipes.js';
import { ensureFifos, InstanceOutput, makeFifos } from './instance-output.js';
import { LogFileRegistry } from './log-file-registry.js';
import { LogHub } from './log-hub.js';
import { fallbackDirs, instanceLogPaths } from './log-paths.js';
import { dirInHome, PrivateDir } from './private-dir.js';

/** A line still without its newline this long after its first bytes is ended as it is. */
const PARTIAL_FLUSH_MS = 200;
/** How often a file on a fallback is tried again. */
const FALLBACK_RETRY_MS = 1000;
/** A pipe with no output for this long lets go of its descriptor (awake-pipes.ts). */
const PIPE_IDLE_MS = 10_000;

export interface Logging {
  hub: LogHub;
  /** The output of the instance with this id at this index (its pipes are the id's, its log files the index's). */
  createOutput: (spec: AppSpec, index: number, id: number) => InstanceOutput;
  /** Makes the pipes of many new outputs at once, before they open (one process, not one each). */
  preparePipes: (outputs: Array<{ paths: { pipe: Record<string, string> } }>) => void;
  /** The same without holding the event loop. */
  makePipes: (outputs: Array<{ paths: { pipe: Record<string, string> } }>) => Promise<void>;
  /** Fallback files that hold lines of a log file (written while it failed): `pm logs` reads them too. */
  fallbackFilesOf: (logFile: string) => string[];
}

// One registry per daemon: streams writing the same path share one writer. `maxAwakePipes`: how
// many pipes may hold a descriptor at once (read at each wake: the daemon's limit is raised after start).
export function createLogging(
  paths: PmPaths,
  events: EventSink,
  maxAwakePipes: () => number,
  now: () => number = Date.now,
): Logging {
  const hub = new LogHub();
  const [inHome, inTmp] = fallbackDirs(paths, os.tmpdir(), process.getuid?.() ?? 0);
  const files = new LogFileRegistry({
    events,
    fallbackDirs: [dirInHome(inHome!), new PrivateDir(inTmp!)],
    home: paths.home,
    now,
    retryMs: FALLBACK_RETRY_MS,
  });
  const deps = {
    files,
    hub,
    awake: new AwakePipes({ max: maxAwakePipes, idleMs: PIPE_IDLE_MS, now }),
    now,
    partialFlushMs: PARTIAL_FLUSH_MS,
    logPathsOf: (spec: AppSpec, index: number) => instanceLogPaths(paths, spec, index),
  };
  return {
    hub,
    preparePipes: (outputs) => ensureFifos(outputs.flatMap((o) => Object.values(o.paths.pipe))),
    makePipes: (outputs) => makeFifos(outputs.flatMap((o) => Object.values(o.paths.pipe))),
    fallbackFilesOf: (logFile) => {
      const current = files.fallbackOf(logFile);
      const candidates = [path.join(inHome!, path.basename(logFile)), ...(current ? [current] : [])];
      return [...new Set(candidates)].filter((file) => fs.existsSync(file));
    },
    createOutput: (spec, index, id) =>
      new InstanceOutput(
        spec,
        index,
        {
          out: instancePipePath(paths, spec.name, id, 'out'),
          err: instancePipePath(paths, spec.name, id, 'err'),
        },
        deps,
      ),
  };
}
