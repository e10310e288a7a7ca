// Requests about the daemon itself.

import { packageVersion } from '../../installed-package.js';
import { isolationInfo } from '../../isolation/cgroup-host.js';
import type { RequestOf, ResponseOf } from '../../protocol/messages.js';
import { PROTOCOL_VERSION } from '../../protocol/version.js';
import type { DaemonContext } from '../context.js';

export const ping = async (_r: RequestOf<'ping'>, ctx: DaemonContext): Promise<ResponseOf['ping']> => ({
  pid: process.pid,
  daemonVersion: packageVersion(),
  protocolVersion: PROTOCOL_VERSION,
  home: ctx.paths.home,
  uptimeMs: Date.now() - ctx.startedAt,
  memoryBytes: process.memoryUsage.rss(),
  eventLoopDelay: ctx.loopDelay.read(),
  apps: ctx.pool.appCount,
  instances: ctx.pool.instanceCount,
  settings: ctx.settings.current(),
  appliedSettings: ctx.settings.snapshot(),
  isolation: isolationInfo(ctx.cgroups),
  processTable: ctx.procBackend,
  ...(ctx.settings.prometheusError !== null && { prometheusError: ctx.settings.prometheusError }),
});

export const kill = async (_r: RequestOf<'kill'>, ctx: DaemonContext): Promise<ResponseOf['kill']> => ({
  stopped: await ctx.shutdown(),
});
