// pm's cgroups as a daemon service. At start, before the pool is restored, the cgroups a crashed
// daemon left for instances that are no longer defined are emptied (SIGKILL) and removed; at a
// shutdown, once every app is stopped, this home's cgroup directories go too.
import fs from 'node:fs';
import type { CgroupHost } from '../isolation/cgroup-host.js';
import { InstanceCgroup } from '../isolation/instance-cgroup.js';
import type { EventSink } from '../protocol/events.js';
import type { PoolSnapshot } from '../supervisor/records.js';
import type { Service, StopReason } from './services.js';

export interface CgroupServiceDeps {
  host: CgroupHost;
  /** The pool as the state file held it: its instances keep their cgroups. */
  saved: PoolSnapshot | null;
  events: EventSink;
  log: (message: string) => void;
  notify: (text: string) => void;
  /** How long the killed members of a swept cgroup may take to go. */
  sweepWaitMs?: number;
}

/** The cgroup of an instance is `<app>.<index>` (daemon/world.ts). */
/** By the instance's id, not its index: a reload's replacement runs beside the instance it replaces. */
export const cgroupName = (app: string, id: number): string => `${app}.${id}`;

function baseDirs(host: CgroupHost): string[] {
  return [...(host.unified ? [host.unified] : []), ...Object.values(host.v1)];
}

/** Instance cgroups under pm's directories (names of directories, the same in every hierarchy). */
function instanceCgroups(host: CgroupHost): Set<string> {
  const names = new Set<string>();
  for (const dir of baseDirs(host)) {
    try {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true }))
        if (entry.isDirectory()) names.add(entry.name);
    } catch {
      // gone: nothing to sweep there
    }
  }
  return names;
}

export class CgroupService implements Service {
  constructor(private readonly deps: CgroupServiceDeps) {}

  async start(): Promise<void> {
    const { host, saved } = this.deps;
    if (host.mode === 'none') return;
    const defined = new Set(
      (saved?.apps ?? []).flatMap(({ spec, instances }) => instances.map((r) => cgroupName(spec.name, r.id))),
    );
    const stray = [...instanceCgroups(host)]
      .filter((name) => !defined.has(name))
      .map((n) => new InstanceCgroup(host, n));
    if (stray.length === 0) return;
    let killed = 0;
    for (const cgroup of stray) {
      killed += cgroup.members().length;
      cgroup.kill();
    }
    const deadline = Date.now() + (this.deps.sweepWaitMs ?? 2000);
    while (stray.some((c) => c.populated()) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const left = stray.filter((c) => !c.remove()).map((c) => c.name);
    const message =
      `removed ${stray.length - left.length} cgroups of instances no longer defined (${killed} processes killed)` +
      (left.length > 0 ? `; could not remove ${left.join(', ')}` : '');
    this.deps.log(message);
    this.deps.notify(message);
    this.deps.events.record({
      type: 'cgroups-swept',
      severity: killed > 0 ? 'alert' : 'info',
      message,
      data: { removed: stray.length - left.length, killed },
    });
  }

  stop(reason: StopReason): void {
    if (reason === 'detach') return; // the apps run on in their cgroups
    for (const dir of baseDirs(this.deps.host)) {
      try {
        fs.rmdirSync(dir);
      } catch {
        // an instance cgroup left in it (a process that would not die): kept, swept at the next start
      }
    }
  }
}
