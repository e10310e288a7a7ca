// Runs a file's tests twice: with a cgroup per instance (where the host has them, as CI does) and
// with process groups only (the cgroup root pointed at an empty directory), so that the fallback
// every host without cgroups gets stays tested on a host that has them. The portable process
// backend never uses cgroups: its run has the second only.
import fs from 'node:fs';
import path from 'node:path';
import { describe } from 'node:test';
import { linuxOnly } from './proc-backend.js';
import { setupTempHome, type TempHomeHooks, type TestHome } from './setup-temp-home.js';

export function inEachIsolation(define: (t: TestHome) => void, hooks: TempHomeHooks = {}): void {
  const skip = linuxOnly('a cgroup per instance');
  describe('with the host cgroups', { skip: skip ?? false }, () => define(setupTempHome(hooks)));
  describe('with process groups only', () =>
    define(
      setupTempHome({
        ...hooks,
        setup: async (t) => {
          const root = path.join(t.home, 'no-cgroups');
          fs.mkdirSync(root);
          t.env.PM_CGROUP_ROOT = root;
          await hooks.setup?.(t);
        },
      }),
    ));
}
