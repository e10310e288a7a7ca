import fs from 'node:fs';

/** The descriptors this process holds on `file`. */
export function descriptorsOn(file: string): number {
  return fs.readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false; // the directory's own descriptor, closed by now
    }
  }).length;
}
