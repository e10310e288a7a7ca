// `pm describe` as text: the definition, each instance's state, last exit and restart history.
import { readyTimeoutMs } from '../../config/app-spec/ready-timeout.js';
import { formatMs } from '../../config/units.js';
import { formatListen } from '../../listen/listen-address.js';
import type { AppSpec, ListenAddress } from '../../protocol/app-spec.js';
import { escapeText } from '../../protocol/escape-text.js';
import type { AppDetails } from '../../protocol/messages.js';
import type { UsageStats } from '../../protocol/monitoring.js';
import type { ExitInfo } from '../../protocol/process-info.js';
import { formatBytes, formatCpu, formatDuration, formatUptime, maskEnv, shellQuote } from './format.js';

function formatExit(exit: ExitInfo | null): string {
  if (!exit) return '-';
  const how = exit.signal
    ? `signal ${exit.signal}`
    : exit.code === null
      ? 'code unknown'
      : `code ${exit.code}`;
  return `${how} at ${new Date(exit.at).toISOString()} after ${formatUptime(exit.at - exit.uptimeMs, exit.at)}`;
}

/** min / avg / max over the monitor's history, e.g. `cpu 0.1% / 2.3% / 9.8% over 5m (300 samples)`. */
function formatUsage(usage: UsageStats | null | undefined): string[] {
  if (!usage) return [];
  const cpu = usage.cpuPercent;
  const mem = usage.memoryBytes;
  const span = `over ${formatDuration(usage.windowMs)} (${usage.samples} samples)`;
  return [
    `    cpu range   ${formatCpu(cpu.min)} / ${formatCpu(cpu.avg)} / ${formatCpu(cpu.max)} min/avg/max ${span}`,
    `    mem range   ${formatBytes(mem.min)} / ${formatBytes(mem.avg)} / ${formatBytes(mem.max)} min/avg/max`,
  ];
}

function formatListenLine(listen: ListenAddress[]): string {
  const last = 2 + listen.length;
  return `${listen.map(formatListen).join(', ')} (shared by the instances as fd ${last === 3 ? '3' : `3-${last}`})`;
}

/** How a reload's replacement shows it is ready, when the definition says more than the default. */
function formatReload(spec: AppSpec): string | undefined {
  const probed = spec.health.some((p) => p.kind === 'readiness');
  if (spec.listenTimeoutMs === undefined && !spec.waitReady && !probed) return undefined;
  const timeout = formatMs(readyTimeoutMs(spec));
  if (probed) return `a replacement must pass its readiness probe within ${timeout}`;
  return spec.waitReady
    ? `a replacement must say it is ready within ${timeout}`
    : `a replacement is ready once it says so, or after ${timeout} up`;
}

/** The limits, user, umask, rlimits and environment of the definition, one line each, only those set. */
function formatIsolation(spec: AppSpec): string[] {
  const { limits, runAs, rlimits } = spec;
  const sizes = new Set(['core', 'memlock']);
  const rlimitList = Object.entries(rlimits ?? {}).map(
    ([name, value]) => `${name}=${sizes.has(name) ? formatBytes(value).replace(' ', '') : value}`,
  );
  const lines: Array<[string, string | undefined]> = [
    ['max memory', limits.maxMemoryBytes ? formatBytes(limits.maxMemoryBytes) : undefined],
    ['hard memory', limits.hardMemoryBytes ? formatBytes(limits.hardMemoryBytes) : undefined],
    ['cpu', limits.cpu === undefined ? undefined : `${limits.cpu} ${limits.cpu === 1 ? 'core' : 'cores'}`],
    ['max procs', limits.maxProcs?.toString()],
    ['max fds', limits.maxFds?.toString()],
    ['best effort', limits.bestEffort === undefined ? undefined : String(limits.bestEffort)],
    ['user', runAs && `${runAs.user} (uid ${runAs.uid}, gid ${runAs.gid}, home ${runAs.home})`],
    ['umask', spec.umask?.toString(8).padStart(4, '0')],
    ['rlimits', rlimitList.length > 0 ? rlimitList.join(' ') : undefined],
    [
      'env inherit',
      spec.envInherit === false ? 'false (PATH, HOME, USER, LANG, env and PM_* only)' : undefined,
    ],
    ['listen', spec.listen && formatListenLine(spec.listen)],
    [
      'watch',
      spec.watch &&
        `${spec.watch.paths.length > 0 ? spec.watch.paths.join(', ') : 'every file below cwd'} (not ${spec.watch.ignore.join(', ')}), restart after ${formatMs(spec.watch.delayMs)} quiet`,
    ],
    ['reload', formatReload(spec)],
  ];
  return lines.flatMap(([label, value]) => (value === undefined ? [] : [`  ${label.padEnd(14)}${value}`]));
}

/** A pool's queue signal: the last reading and what it wants, or why there is no number. */
function formatQueue(app: AppDetails, now: number): string[] {
  const queue = app.spec.pool?.queue;
  if (!queue) return [];
  const source = queue.check.type === 'exec' ? queue.check.command : `GET ${queue.check.url}`;
  const reading = app.autoscale?.queue;
  const ago = reading ? ` (${formatDuration(Math.max(0, now - reading.at))} ago)` : '';
  const shown = !reading
    ? 'no reading yet'
    : 'error' in reading
      ? `error: ${reading.error}`
      : `${reading.value} waiting, wants ${reading.wants ?? '?'} instances`;
  return [
    `  queue         ${shown}${ago}; ${queue.perInstance} per instance, every ${queue.intervalMs < 1_000 ? `${queue.intervalMs}ms` : formatDuration(queue.intervalMs)}: ${source}`,
  ];
}

/** The pool's bounds, its signal against the target and the autoscaler's last decision. */
function formatPool(app: AppDetails, now: number): string[] {
  const { pool } = app.spec;
  if (!pool) return [];
  const auto = app.autoscale;
  const decision = auto?.lastDecision;
  return [
    `  pool          ${pool.minSize}–${pool.maxSize} instances, cooldown ${formatDuration(pool.cooldownMs)}, idle timeout ${formatDuration(pool.idleTimeoutMs)}`,
    `  cpu           ${formatCpu(auto?.avgCpuPercent ?? null)} average per instance, target ${pool.targetCpuPercent}%`,
    ...formatQueue(app, now),
    `  last scaling  ${decision ? `${decision.message} (${formatDuration(Math.max(0, now - decision.at))} ago)` : '-'}${auto?.scaling ? ', scaling now' : ''}`,
  ];
}

/** A task's or service's schedule: the expression, the next run, and what the last one did. */
function formatSchedule(app: AppDetails, now: number): string[] {
  const { schedule } = app.spec;
  if (!schedule) return [];
  const info = app.schedule;
  const zone = schedule.timezone ? ` (${schedule.timezone})` : '';
  const next = info?.nextAt ? `next ${new Date(info.nextAt).toISOString()}` : 'no next run';
  const last = info?.last
    ? `; last ${info.last.outcome} ${formatDuration(Math.max(0, now - info.last.at))} ago${info.last.outcome === 'skipped' ? ` (${info.last.detail})` : ''}`
    : '';
  return [`  schedule      ${schedule.action} at ${schedule.cron}${zone}: ${next}${last}`];
}

export function renderDescribe(apps: AppDetails[], now = Date.now()): string {
  const out: string[] = [];
  for (const app of apps) {
    const { spec, instances, isolation } = app;
    const env = Object.entries(maskEnv(spec.env)).map(([k, v]) => `${k}=${v}`);
    out.push(
      `app ${spec.name}`,
      `  command       ${spec.run.display}`,
      `  exec          ${[spec.run.file, ...spec.run.args].map(shellQuote).join(' ')}`,
      `  cwd           ${spec.cwd}`,
      `  instances     ${spec.pool ? instances.length : spec.instances}`,
      ...formatPool(app, now),
      ...formatSchedule(app, now),
      `  env           ${env.length > 0 ? env.join(' ') : '-'}`,
      `  stop          ${spec.stop.signal}, SIGKILL after ${spec.stop.killTimeoutMs} ms`,
      `  restart       ${spec.recovery.autoRestart}, max ${spec.recovery.maxRestarts} in ${spec.recovery.restartWindowMs} ms, delay ${spec.recovery.restartDelayMs} ms, min uptime ${spec.recovery.minUptimeMs} ms`,
      ...formatIsolation(spec),
      `  isolation     ${isolation.exact ? `a cgroup per instance: ${isolation.summary}` : `best effort: process group, session and the run's environment mark; ${isolation.summary}`}`,
      ...(isolation.notEnforced.length > 0
        ? [`  not enforced  ${isolation.notEnforced.join(', ')} (best_effort: this host cannot)`]
        : []),
      ...(spec.source ? [`  config        ${spec.source}`] : []),
    );
    for (const p of instances) {
      out.push(
        `  ${p.name}:${p.index} [id ${p.id}]`,
        `    state       ${p.status}${p.reason ? ` (${p.reason})` : ''}`,
        `    pid         ${p.pid ?? '-'}`,
        `    health      ${p.health}`,
        `    uptime      ${formatUptime(p.startedAt, now)}`,
        `    restarts    ${p.restarts}`,
        `    cpu / mem   ${formatCpu(p.cpuPercent)} / ${formatBytes(p.memoryBytes)}`,
        ...(p.openFds === null ? [] : [`    open fds    ${p.openFds}`]),
        ...formatUsage(p.usage),
        `    last exit   ${formatExit(p.lastExit)}`,
        `    logs        ${p.outLog}`,
        `                ${p.errLog}`,
      );
      for (const record of p.history.slice(-5)) {
        out.push(`    history     ${new Date(record.at).toISOString()} ${record.reason}`);
      }
    }
  }
  // A definition's values (env, args, cwd) are the user's text and may hold control bytes.
  return escapeText(out.join('\n'), '\n');
}
