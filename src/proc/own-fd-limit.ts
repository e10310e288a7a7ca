// The daemon's own open-file limit, as it stands once raised at start (daemon/fd-limit.ts). The
// files its caches keep open (the sampler's /proc and cgroup files) and the output pipes it holds
// awake are shares of it, so that no cache takes the descriptors an accept, a spawn or a log file
// needs: under `ulimit -n 64` as under a limit of 20,000.
let softLimit = 1024;

/** Kept out of every share: the daemon's own descriptors (libuv's, its logs, its socket: about
 * 25) and the passing ones of spawns, connections and rotations. */
const RESERVED = 64;

function share(fraction: number): number {
  return Math.floor(Math.max(0, softLimit - RESERVED) * fraction);
}

export function setOwnFdLimit(limit: number): void {
  softLimit = limit;
}

/** Files one cache may keep open: a tenth of what is not reserved, and never more than `max`. */
export function keptFilesWithin(max: number): number {
  return Math.min(max, share(1 / 10));
}

/** Output pipes that may hold a descriptor at once (logs/awake-pipes.ts): a quarter of what is not
 * reserved, as an awake pipe may keep its log file open too. 4,984 under a limit of 20,000; 240
 * under 1024; 4 at least. */
export function awakePipesWithin(): number {
  return Math.max(4, share(1 / 4));
}
