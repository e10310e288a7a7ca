// The second end-to-end run forces the portable process backend (PM_PROC_BACKEND=portable, see
// package.json): the tests of what only Linux's /proc and cgroups give skip there, with why.

export const portableBackend = (): boolean => process.env.PM_PROC_BACKEND === 'portable';

/** Why a test of a Linux-only feature does not run in this run; null when it does. */
export function linuxOnly(feature: string): string | null {
  return portableBackend() ? `${feature} needs /proc: not with the portable process backend` : null;
}
