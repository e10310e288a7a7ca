// A ring of one instance's recent samples: typed arrays, so that 1000 instances with five minutes of
// history each cost a few megabytes and no garbage per tick. The ring starts small and doubles up
// to its capacity: with many instances each is sampled every few seconds, and a ring sized for one
// sample a second would stay mostly empty (1000 of them: 4.8 MB).
import type { Spread, UsageStats, UsageTrail } from '../protocol/monitoring.js';

export class UsageHistory {
  private cpuPercent: Float32Array;
  /** KiB, so that a Uint32 holds up to 4 TiB. */
  private memoryKib: Uint32Array;
  /** Epoch ms of each sample. */
  private at: Float64Array;
  private next = 0;
  private count = 0;

  constructor(
    readonly capacity: number,
    initial = Math.min(capacity, INITIAL_SLOTS),
  ) {
    this.cpuPercent = new Float32Array(initial);
    this.memoryKib = new Uint32Array(initial);
    this.at = new Float64Array(initial);
  }

  /** Slots of the ring now (up to the capacity). */
  private get slots(): number {
    return this.at.length;
  }

  get size(): number {
    return this.count;
  }

  push(cpuPercent: number, memoryBytes: number, at: number): void {
    // Full and not wrapped yet (next is back at 0): grow while under the capacity.
    if (this.count === this.slots && this.next === 0 && this.slots < this.capacity) this.grow();
    this.cpuPercent[this.next] = cpuPercent;
    this.memoryKib[this.next] = Math.min(0xffffffff, Math.round(memoryBytes / 1024));
    this.at[this.next] = at;
    this.next = (this.next + 1) % this.slots;
    if (this.count < this.slots) this.count += 1;
  }

  private grow(): void {
    const slots = Math.min(this.capacity, this.slots * 2);
    const cpu = new Float32Array(slots);
    const memory = new Uint32Array(slots);
    const at = new Float64Array(slots);
    cpu.set(this.cpuPercent);
    memory.set(this.memoryKib);
    at.set(this.at);
    [this.cpuPercent, this.memoryKib, this.at] = [cpu, memory, at];
    this.next = this.count;
  }

  /** A ring of another capacity holding the most recent samples of this one (the interval changed). */
  resized(capacity: number): UsageHistory {
    const n = Math.min(capacity, this.count);
    const copy = new UsageHistory(capacity, Math.max(n, Math.min(capacity, INITIAL_SLOTS)));
    for (let i = 0; i < n; i++) {
      const slot = (this.next - n + i + this.slots) % this.slots;
      copy.cpuPercent[i] = this.cpuPercent[slot]!;
      copy.memoryKib[i] = this.memoryKib[slot]!;
      copy.at[i] = this.at[slot]!;
    }
    copy.count = n;
    copy.next = n % copy.slots;
    return copy;
  }

  /** The last `points` samples, oldest first. */
  trail(points: number): UsageTrail {
    const n = Math.min(points, this.count);
    const trail: UsageTrail = { cpuPercent: new Array(n), memoryBytes: new Array(n) };
    for (let i = 0; i < n; i++) {
      const slot = (this.next - n + i + this.slots) % this.slots;
      trail.cpuPercent[i] = round(this.cpuPercent[slot]!);
      trail.memoryBytes[i] = this.memoryKib[slot]! * 1024;
    }
    return trail;
  }

  /** Min, average and max over the whole ring; null when it is empty. */
  stats(): UsageStats | null {
    if (this.count === 0) return null;
    const slots = this.slots;
    const start = (this.next - this.count + slots) % slots;
    const cpu = spreadOf(this.count, (i) => this.cpuPercent[(start + i) % slots]!);
    const memory = spreadOf(this.count, (i) => this.memoryKib[(start + i) % slots]! * 1024);
    return {
      samples: this.count,
      windowMs: this.at[(this.next - 1 + slots) % slots]! - this.at[start]!,
      cpuPercent: { min: round(cpu.min), avg: round(cpu.avg), max: round(cpu.max) },
      memoryBytes: { min: memory.min, avg: Math.round(memory.avg), max: memory.max },
    };
  }
}

/** Slots a new ring starts with: a minute of samples at 1000 instances. */
const INITIAL_SLOTS = 8;

function spreadOf(count: number, valueAt: (i: number) => number): Spread {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const value = valueAt(i);
    if (value < min) min = value;
    if (value > max) max = value;
    sum += value;
  }
  return { min, avg: sum / count, max };
}

/** CPU figures keep two decimals: Float32 noise is not information. */
function round(value: number): number {
  return Math.round(value * 100) / 100;
}
