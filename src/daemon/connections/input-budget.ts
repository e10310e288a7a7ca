// The bytes of unfinished frames that all of the daemon's connections may hold together: 500
// connections each holding most of a 1 MiB frame once took the daemon from 60 to 566 MB.
import type { ByteBudget } from '../../protocol/framing.js';

export class InputBudget implements ByteBudget {
  private used = 0;

  constructor(readonly maxBytes: number) {}

  get usedBytes(): number {
    return this.used;
  }

  take(bytes: number): boolean {
    if (this.used + bytes > this.maxBytes) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.used -= bytes;
  }
}
