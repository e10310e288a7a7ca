// The cgroups a test home's daemon made under /sys/fs/cgroup: found by the home's tag, emptied
// and removed after each test, whatever happened to the daemon (a SIGKILL leaves them behind).
import fs from 'node:fs';
import path from 'node:path';
import { homeTag } from '../../src/isolation/cgroup-host.js';
import { waitFor } from './wait-for.js';

const ROOT = '/sys/fs/cgroup';

/** pm's directories for this home, one per hierarchy (v2 at the root or in unified/, v1 controllers). */
export function homeCgroupDirs(home: string, root = ROOT): string[] {
  const tag = homeTag(fs.realpathSync(home));
  let hierarchies: string[];
  try {
    hierarchies = [root, ...fs.readdirSync(root).map((name) => path.join(root, name))];
  } catch {
    return [];
  }
  return hierarchies.map((dir) => path.join(dir, tag)).filter((dir) => fs.existsSync(dir));
}

const subdirs = (dir: string): string[] => {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => path.join(dir, e.name));
  } catch {
    return [];
  }
};

function killMembers(dir: string): void {
  for (const pid of fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone
    }
  }
}

export async function removeHomeCgroups(home: string): Promise<void> {
  const dirs = homeCgroupDirs(home);
  const instances = dirs.flatMap(subdirs);
  for (const dir of instances) {
    try {
      fs.writeFileSync(path.join(dir, 'freezer.state'), 'THAWED');
    } catch {
      // not a freezer
    }
    try {
      fs.writeFileSync(path.join(dir, 'cgroup.freeze'), '0');
    } catch {
      // not v2
    }
    killMembers(dir);
  }
  await waitFor(
    () => {
      for (const dir of [...instances, ...dirs]) {
        try {
          fs.rmdirSync(dir);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') killMembers(dir);
        }
      }
      return [...instances, ...dirs].every((dir) => !fs.existsSync(dir));
    },
    { timeoutMs: 5000, message: `the cgroups of ${home} removed` },
  );
}
