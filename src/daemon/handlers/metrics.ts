// `pm metrics`: the metric families that the Prometheus endpoint serves, from the latest sample.
import { collectMetrics } from '../../metrics/collect-metrics.js';
import type { RequestOf, ResponseOf } from '../../protocol/messages.js';
import type { DaemonContext } from '../context.js';

export const metrics = async (_r: RequestOf<'metrics'>, ctx: DaemonContext): Promise<ResponseOf['metrics']> =>
  collectMetrics(await ctx.pool.listInSlices(), ctx.monitor.daemonUsage(), Date.now());
