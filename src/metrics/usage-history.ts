// A ring of one instance's recent samples in one buffer, so that 1000 instances with five minutes of
// history each cost a few megabytes and no garbage per tick. The ring starts small and doubles up
// to its capacity, and only while it holds less than its window: with many instances each is
// sampled every few seconds, and a ring sized for one sample a second would fill in 40 minutes
// with history the window does not ask for (1000 of them: 4.8 MB).
import type { Spread, UsageStats, UsageTrail } from '../protocol/monitoring.js';

/** A slot: its epoch ms (Float64), CPU percent (Float32) and memory in KiB (Uint32, up to 4 TiB). */
const SLOT_BYTES = 16;

// The buffer holds all the times, then all the CPU figures, then all the memory figures, read
// through one DataView: three typed arrays cost 0.4 KB more per instance in objects and buffers.
export class UsageHistory {
  private view: DataView;
  private next = 0;
  private count = 0;

  constructor(
    readonly capacity: number,
    /** The time the ring is to cover; none: it grows up to its capacity. */
    private readonly windowMs = Number.POSITIVE_INFINITY,
    initial = Math.min(capacity, INITIAL_SLOTS),
  ) {
    this.view = new DataView(new ArrayBuffer(initial * SLOT_BYTES));
  }

  /** Slots of the ring now (up to the capacity). */
  private get slots(): number {
    return this.view.byteLength / SLOT_BYTES;
  }

  get size(): number {
    return this.count;
  }

  push(cpuPercent: number, memoryBytes: number, at: number): void {
    // Full and not wrapped yet (next is back at 0, the oldest sample in slot 0): grow while under
    // the capacity and the window.
    const full = this.count === this.slots && this.next === 0;
    if (full && this.slots < this.capacity && at - this.atOf(0) < this.windowMs) this.grow();
    this.write(this.next, at, cpuPercent, Math.min(0xffffffff, Math.round(memoryBytes / 1024)));
    this.next = (this.next + 1) % this.slots;
    if (this.count < this.slots) this.count += 1;
  }

  private atOf(slot: number): number {
    return this.view.getFloat64(slot * 8, true);
  }

  private cpuOf(slot: number): number {
    return this.view.getFloat32(this.slots * 8 + slot * 4, true);
  }

  private memoryKibOf(slot: number): number {
    return this.view.getUint32(this.slots * 12 + slot * 4, true);
  }

  private write(slot: number, at: number, cpuPercent: number, memoryKib: number): void {
    this.view.setFloat64(slot * 8, at, true);
    this.view.setFloat32(this.slots * 8 + slot * 4, cpuPercent, true);
    this.view.setUint32(this.slots * 12 + slot * 4, memoryKib, true);
  }

  /** `into`'s first slots take this ring's last `n` samples, oldest first. */
  private copyLast(n: number, into: UsageHistory): void {
    for (let i = 0; i < n; i++) {
      const slot = (this.next - n + i + this.slots) % this.slots;
      into.write(i, this.atOf(slot), this.cpuOf(slot), this.memoryKibOf(slot));
    }
  }

  private grow(): void {
    const larger = new UsageHistory(this.capacity, this.windowMs, Math.min(this.capacity, this.slots * 2));
    this.copyLast(this.count, larger);
    this.view = larger.view;
    this.next = this.count;
  }

  /** A ring of another capacity holding the most recent samples of this one (the interval changed). */
  resized(capacity: number): UsageHistory {
    const n = Math.min(capacity, this.count);
    const copy = new UsageHistory(capacity, this.windowMs, Math.max(n, Math.min(capacity, INITIAL_SLOTS)));
    this.copyLast(n, copy);
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
      trail.cpuPercent[i] = round(this.cpuOf(slot));
      trail.memoryBytes[i] = this.memoryKibOf(slot) * 1024;
    }
    return trail;
  }

  /** Min, average and max over the whole ring; null when it is empty. */
  stats(): UsageStats | null {
    if (this.count === 0) return null;
    const slots = this.slots;
    const start = (this.next - this.count + slots) % slots;
    const cpu = spreadOf(this.count, (i) => this.cpuOf((start + i) % slots));
    const memory = spreadOf(this.count, (i) => this.memoryKibOf((start + i) % slots) * 1024);
    return {
      samples: this.count,
      windowMs: this.atOf((this.next - 1 + slots) % slots) - this.atOf(start),
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
