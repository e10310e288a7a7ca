// Plain-text formatting of durations, sizes and CPU for tables and details.

export function formatDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '-';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

export function formatCpu(percent: number | null): string {
  return percent === null ? '-' : `${percent.toFixed(percent >= 10 ? 0 : 1)}%`;
}

export function formatUptime(startedAt: number | null, now: number): string {
  return startedAt === null ? '-' : formatDuration(Math.max(0, now - startedAt));
}

const SECRET_KEY = /(pass|secret|token|key|credential|auth|private|cookie|session)/i;

/** Hide values of environment variables whose names look secret. */
export function maskEnv(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, SECRET_KEY.test(k) && v ? '****' : v]));
}

/** An argument as a POSIX shell would need it written: bare when safe, else single-quoted. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}
