// /proc/<pid>/limits, read once for the daemon's open-file limit and for the rlimits an app may ask
// for: one parser for both.

export interface ResourceLimit {
  soft: number;
  hard: number;
}

const value = (text: string | undefined) =>
  text === 'unlimited'
    ? Number.POSITIVE_INFINITY
    : text === undefined || text === ''
      ? Number.NaN
      : Number(text);

/** Each limit by its name in the file (`Max open files`); `unlimited` reads as Infinity. */
export function parseProcLimits(text: string): Map<string, ResourceLimit> {
  const limits = new Map<string, ResourceLimit>();
  for (const line of text.split('\n')) {
    // Columns are padded with spaces; names have single spaces inside.
    const match = /^(Max \S+(?: \S+)*?)\s{2,}(\S+)\s+(\S+)/.exec(line);
    if (!match) continue;
    const soft = value(match[2]);
    const hard = value(match[3]);
    if (!Number.isNaN(soft) && !Number.isNaN(hard)) limits.set(match[1]!, { soft, hard });
  }
  return limits;
}
