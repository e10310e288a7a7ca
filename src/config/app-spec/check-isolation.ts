// The daemon's own check of an app's user and rlimits before it takes the definition: the CLI
// checked them already, but against its own uid and limits, and any client may send an apply.
import type { AppSpec } from '../../protocol/app-spec.js';
import { checkRlimits, type HardLimits, readHardLimits } from './rlimits.js';
import { needsRoot } from './run-as.js';

export interface IsolationHost {
  uid: number;
  /** null: unknown (no /proc), nothing is checked. */
  hardLimits: HardLimits | null;
}

export const daemonHost = (): IsolationHost => ({
  uid: process.getuid?.() ?? -1,
  hardLimits: readHardLimits(),
});

/** Why this daemon cannot run the app as defined, or null. */
export function refuseIsolation(spec: AppSpec, host: IsolationHost): string | null {
  if (spec.runAs && host.uid !== 0) return `app "${spec.name}": ${needsRoot(host.uid)}`;
  const [over] = spec.rlimits ? checkRlimits(spec.rlimits, host.hardLimits) : [];
  return over ? `app "${spec.name}": rlimits.${over.key}: ${over.message}` : null;
}
