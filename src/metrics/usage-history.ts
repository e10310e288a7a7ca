// A fixed-size ring of one instance's recent samples: typed arrays, so that 1000 instances with
// five minutes of history each cost a few megabytes and no garbage per tick.
import type { Spread, UsageStats, UsageTrail } from '../protocol/monitoring.js';

export class UsageHistory {
  private readonly cpuPercent: Float32Array;
  /** KiB, so that a Uint32 holds up to 4 TiB. */
  private readonly memoryKib: Uint32Array;
  /** Epoch ms of each sample. */
  private readonly at: Float64Array;
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.cpuPercent = new Float32Array(capacity);
    this.memoryKib = new Uint32Array(capacity);
    this.at = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(cpuPercent: number, memoryBytes: number, at: number): void {
    this.cpuPercent[this.next] = cpuPercent;
    this.memoryKib[this.next] = Math.min(0xffffffff, Math.round(memoryBytes / 1024));
    this.at[this.next] = at;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count += 1;
  }

  /** A ring of another capacity holding the most recent samples of this one (the interval changed). */
  resized(capacity: number): UsageHistory {
    const copy = new UsageHistory(capacity);
    const n = Math.min(capacity, this.count);
    for (let i = 0; i < n; i++) {
      const slot = (this.next - n + i + this.capacity) % this.capacity;
      copy.cpuPercent[i] = this.cpuPercent[slot]!;
      copy.memoryKib[i] = this.memoryKib[slot]!;
      copy.at[i] = this.at[slot]!;
    }
    copy.count = n;
    copy.next = n % capacity;
    return copy;
  }

  /** The last `points` samples, oldest first. */
  trail(points: number): UsageTrail {
    const n = Math.min(points, this.count);
    const trail: UsageTrail = { cpuPercent: new Array(n), memoryBytes: new Array(n) };
    for (let i = 0; i < n; i++) {
      const slot = (this.next - n + i + this.capacity) % this.capacity;
      trail.cpuPercent[i] = round(this.cpuPercent[slot]!);
      trail.memoryBytes[i] = this.memoryKib[slot]! * 1024;
    }
    return trail;
  }

  /** Min, average and max over the whole ring; null when it is empty. */
  stats(): UsageStats | null {
    if (this.count === 0) return null;
    const start = (this.next - this.count + this.capacity) % this.capacity;
    const cpu = spreadOf(this.count, (i) => this.cpuPercent[(start + i) % this.capacity]!);
    const memory = spreadOf(this.count, (i) => this.memoryKib[(start + i) % this.capacity]! * 1024);
    return {
      samples: this.count,
      windowMs: this.at[(this.next - 1 + this.capacity) % this.capacity]! - this.at[start]!,
      cpuPercent: { min: round(cpu.min), avg: round(cpu.avg), max: round(cpu.max) },
      memoryBytes: { min: memory.min, avg: Math.round(memory.avg), max: memory.max },
    };
  }
}

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
