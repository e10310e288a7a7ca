// One instance's cgroup, in every hierarchy the host gives pm (cgroup-host.ts): joined by a new run
// before its program starts, it holds every process the run makes, whatever they do to their
// process group or session. Limits, membership, kill, freeze and the usage counters live here.
import fs from 'node:fs';
import path from 'node:path';
import type { LimitsSpec } from '../protocol/app-spec.js';
import type { CgroupHost, V1Controller, V2Controller } from './cgroup-host.js';
import { CounterFiles } from './counter-files.js';

/** The breach counters of a cgroup, which only grow: a rise is a breach. */
export interface BreachCounters {
  /** Processes the kernel OOM-killed in the cgroup. */
  oomKills: number;
  /** Forks refused at the pids limit. */
  pidsRefused: number;
}

export interface CgroupUsage {
  /** CPU time of every process that was ever in the cgroup, in microseconds. */
  cpuUsec: number | null;
  /** The cgroup's memory less the page cache it could drop (the kubelet's working set). */
  memoryBytes: number | null;
}

/** A limit of `limits` that the host cannot enforce, in the config's words. */
export type LimitKey = 'hard_memory' | 'cpu' | 'max_procs';

const CPU_PERIOD_US = 100_000;

/** Reads of freezer.state while v1 says FREEZING, before the kill goes on anyway (and is repeated). */
const FROZEN_TRIES = 100;

function read(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

const pidsOf = (text: string | null): number[] =>
  text === null ? [] : text.split('\n').filter(Boolean).map(Number);

/** Which of `limits` the host cannot enforce. */
export function unenforceable(host: CgroupHost, limits: LimitsSpec): LimitKey[] {
  const has = (v2: V2Controller, v1: V1Controller) => host.v2Controllers.has(v2) || host.v1[v1] !== undefined;
  const missing: LimitKey[] = [];
  if (limits.hardMemoryBytes !== undefined && !has('memory', 'memory')) missing.push('hard_memory');
  if (limits.cpu !== undefined && !has('cpu', 'cpu')) missing.push('cpu');
  if (limits.maxProcs !== undefined && !has('pids', 'pids')) missing.push('max_procs');
  return missing;
}

/** `dir`/`name`: what path.join gives for the host's normalized dirs and a one-segment name,
 * without the rope of sliced segments it builds (0.3 KB a path; 8 paths per instance were kept). */
const under = (dir: string, name: string): string => `${dir}/${name}`;

// The directories are derived when needed, not kept: an instance keeps its name and the paths
// of its counters (read at every sample).
export class InstanceCgroup {
  /** Killed since the current run started: a stop waits for the cgroup to empty, killing again. */
  killed = false;
  /** The limits last written (memory, CPU quota, processes), while the directories stand. */
  private applied: string | null = null;
  /** Frozen here (a pause) and not thawed since. */
  private frozen = false;

  /** Where the monitor's counters are read, found once: a sample of 1000 instances reads 2000 files. */
  private readonly counters: {
    cpu: string | null;
    cpuacct: string | null;
    /** memory.stat, and its keys of anonymous memory and mapped file pages. */
    memory: string | null;
    memoryKeys: readonly [string, string];
  };

  constructor(
    private readonly host: CgroupHost,
    /** `<app>.<index>`: unique, since an index has no dot. */
    readonly name: string,
    private readonly files = new CounterFiles(),
  ) {
    const u = this.unified;
    const v2Memory = u !== null && host.v2Controllers.has('memory');
    const memoryDir = v2Memory ? u : this.v1('memory');
    const cpuacct = this.v1('cpuacct');
    this.counters = {
      cpu: u && under(u, 'cpu.stat'),
      cpuacct: cpuacct && under(cpuacct, 'cpuacct.usage'),
      memory: memoryDir && under(memoryDir, 'memory.stat'),
      memoryKeys: v2Memory ? ['anon', 'file_mapped'] : ['total_rss', 'total_mapped_file'],
    };
  }

  /** The v2 directory, or null. */
  private get unified(): string | null {
    return this.host.unified && under(this.host.unified, this.name);
  }

  /** The directory under a v1 controller, or null. */
  private v1(controller: V1Controller): string | null {
    const dir = this.host.v1[controller];
    return dir === undefined ? null : under(dir, this.name);
  }

  /** Every directory of the instance, the membership one first. */
  private dirs(): string[] {
    const { unified, v1 } = this.host;
    return [...(unified ? [unified] : []), ...Object.values(v1)].map((dir) => under(dir, this.name));
  }

  /** Where membership is read: v2, else the first v1 controller. */
  private get primary(): string {
    return this.dirs()[0]!;
  }

  /** Makes the directories and sets the limits (a changed definition sets them anew). A cgroup
   * left frozen by a run that ended while paused is thawed: a new run would stop at its gate.
   * Each write to a cgroup file costs a fraction of a millisecond, and a start of thousands makes
   * thousands: a cgroup made now is unlimited and not frozen, so only set limits are written, and
   * a run whose limits are those last written here writes none. */
  prepare(limits: LimitsSpec): void {
    this.killed = false;
    const memory = limits.hardMemoryBytes;
    const cpuQuota = limits.cpu === undefined ? null : Math.max(1000, Math.round(limits.cpu * CPU_PERIOD_US));
    const procs = limits.maxProcs;
    const wanted = `${memory} ${cpuQuota} ${procs}`;
    if (this.applied === wanted && this.dirs().every((dir) => fs.existsSync(dir))) {
      if (this.frozen) this.freeze(false);
      return;
    }
    const made = this.makeDirs();
    if (!made) this.freeze(false);
    /** A value to write: always where the cgroup was there before, else only a limit. */
    const set = (file: string, value: string | number, limited: boolean, optional = false) => {
      if (made && !limited) return;
      if (optional) this.tryWrite(file, value);
      else this.write(file, value);
    };
    const v2 = this.host.v2Controllers;
    const u = this.unified;
    const [v1Memory, v1Cpu, v1Pids] = [this.v1('memory'), this.v1('cpu'), this.v1('pids')];
    const hasMemory = memory !== undefined;
    if (u && v2.has('memory')) {
      set(path.join(u, 'memory.max'), memory ?? 'max', hasMemory);
      // Without swap off, a hard limit only moves the instance's memory to swap.
      set(path.join(u, 'memory.swap.max'), hasMemory ? 0 : 'max', hasMemory, true);
    } else if (v1Memory) {
      // memsw (memory + swap) may never be below the memory limit: lift it, set memory, then
      // bring it down to the same value, so that a hard limit is not dodged by swapping. -1: none.
      set(path.join(v1Memory, 'memory.memsw.limit_in_bytes'), -1, hasMemory, true);
      set(path.join(v1Memory, 'memory.limit_in_bytes'), memory ?? -1, hasMemory);
      if (hasMemory) this.tryWrite(path.join(v1Memory, 'memory.memsw.limit_in_bytes'), memory);
    }
    if (u && v2.has('cpu'))
      set(path.join(u, 'cpu.max'), `${cpuQuota ?? 'max'} ${CPU_PERIOD_US}`, cpuQuota !== null);
    else if (v1Cpu) {
      set(path.join(v1Cpu, 'cpu.cfs_period_us'), CPU_PERIOD_US, cpuQuota !== null);
      set(path.join(v1Cpu, 'cpu.cfs_quota_us'), cpuQuota ?? -1, cpuQuota !== null);
    }
    const pidsDir = u && v2.has('pids') ? u : v1Pids;
    if (pidsDir) set(path.join(pidsDir, 'pids.max'), procs ?? 'max', procs !== undefined);
    this.applied = wanted;
  }

  /** Makes the instance's directories; true when none was there before. */
  private makeDirs(): boolean {
    let made = true;
    for (const dir of this.dirs()) {
      try {
        fs.mkdirSync(dir);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') made = false;
        else if (code === 'ENOENT') fs.mkdirSync(dir, { recursive: true });
        else throw error;
      }
    }
    return made;
  }

  /** Moves a process (a new run, before its program starts) into the cgroup in every hierarchy. */
  join(pid: number): void {
    for (const dir of this.dirs()) fs.writeFileSync(path.join(dir, 'cgroup.procs'), String(pid));
  }

  /** The live processes in the cgroup (zombies included, until reaped). */
  members(): number[] {
    return pidsOf(read(path.join(this.primary, 'cgroup.procs')));
  }

  /** True while a process is in the cgroup; v2 says so in one line. */
  populated(): boolean {
    const u = this.unified;
    if (u) {
      const [populated] = this.files.fields(path.join(u, 'cgroup.events'), ['populated'], false);
      if (populated !== null) return populated === 1;
    }
    return this.members().length > 0;
  }

  /** Stops (or continues) every process at once; false where there is no freezer, or no cgroup
   * yet (a run adopted from a daemon without cgroups: its directories were never made). */
  freeze(frozen: boolean): boolean {
    const u = this.unified;
    const done =
      u && fs.existsSync(path.join(u, 'cgroup.freeze'))
        ? this.tryWrite(path.join(u, 'cgroup.freeze'), frozen ? '1' : '0')
        : this.v1('freezer') !== null &&
          this.tryWrite(path.join(this.v1('freezer')!, 'freezer.state'), frozen ? 'FROZEN' : 'THAWED');
    if (done) this.frozen = frozen;
    return done;
  }

  /** v1: FREEZING until every task stopped; a member read before then could still fork. */
  private waitFrozen(): void {
    const freezer = this.v1('freezer');
    if (!freezer || this.host.unified) return;
    const state = path.join(freezer, 'freezer.state');
    for (let tries = 0; tries < FROZEN_TRIES && read(state)?.trim() === 'FREEZING'; tries++) {
      // A few reads: the kernel stops tasks at their next return to user space (microseconds).
    }
  }

  /** SIGKILL to every process in the cgroup, including one forking as fast as it can; a cgroup
   * that does not exist has nothing to kill. Called again while the cgroup stays populated. */
  kill(): void {
    this.killed = true;
    const u = this.unified;
    if (u && fs.existsSync(path.join(u, 'cgroup.kill'))) {
      this.tryWrite(path.join(u, 'cgroup.kill'), '1');
      return;
    }
    // Frozen, the members cannot fork between the read and the kill; SIGKILL reaches frozen tasks.
    const frozen = this.freeze(true);
    if (frozen) this.waitFrozen();
    for (const pid of this.members()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    if (frozen) this.freeze(false);
  }

  usage(): CgroupUsage {
    const { cpu, cpuacct, memory, memoryKeys } = this.counters;
    let [cpuUsec = null] = cpu === null ? [] : this.files.fields(cpu, ['usage_usec']);
    if (cpuUsec === null && cpuacct !== null) {
      const ns = this.files.value(cpuacct);
      cpuUsec = ns === null ? null : Math.round(ns / 1000);
    }
    if (memory === null) return { cpuUsec, memoryBytes: null };
    // What /proc's RSS counts, for the whole cgroup: anonymous memory and mapped file pages. Page
    // cache the instance only read stays charged to the cgroup (and across runs) without being
    // resident in any process: counting it would restart a max_memory app that reads big files.
    const [anon, mapped] = this.files.fields(memory, memoryKeys);
    return { cpuUsec, memoryBytes: anon == null ? null : anon + (mapped ?? 0) };
  }

  breaches(): BreachCounters {
    const u = this.unified;
    const v2 = this.host.v2Controllers;
    // Read at most once per sample of the instance: not kept open (the fd budget is the counters').
    const count = (file: string | null, key: string) =>
      file === null ? null : this.files.fields(file, [key], false)[0];
    const v1Memory = this.v1('memory');
    const oomFile =
      u && v2.has('memory')
        ? path.join(u, 'memory.events')
        : v1Memory
          ? path.join(v1Memory, 'memory.oom_control')
          : null;
    const pidsDir = u && v2.has('pids') ? u : this.v1('pids');
    const oomKills = count(oomFile, 'oom_kill');
    const pidsRefused = count(pidsDir ? path.join(pidsDir, 'pids.events') : null, 'max');
    return { oomKills: oomKills ?? 0, pidsRefused: pidsRefused ?? 0 };
  }

  /** Removes the directories of an empty cgroup; false while a process is left in one. */
  remove(): boolean {
    this.applied = null;
    let removed = true;
    for (const file of [this.counters.cpu, this.counters.cpuacct, this.counters.memory])
      if (file !== null) this.files.close(file);
    for (const dir of this.dirs()) {
      try {
        fs.rmdirSync(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') removed = false;
      }
    }
    return removed;
  }

  private write(file: string, value: string | number): void {
    fs.writeFileSync(file, String(value));
  }

  /** For files a kernel may lack (swap accounting off), or a cgroup not made yet: false then. */
  private tryWrite(file: string, value: string | number): boolean {
    try {
      this.write(file, value);
      return true;
    } catch {
      return false;
    }
  }
}
