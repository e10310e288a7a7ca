// `watch` (what `pm top` shows): a full snapshot, then changes and samples as they happen. The
// subscriptions begin before the snapshot, which is made in slices (the info of 10,000 instances
// at once held the loop): what changed meanwhile goes again right after it, so no update is lost.
import type { MonitorSample } from '../../metrics/monitor.js';
import type { RequestOf, StreamEventOf } from '../../protocol/messages.js';
import { TRAIL_POINTS } from '../../protocol/monitoring.js';
import type { ManagedProcess } from '../../supervisor/managed-process.js';
import type { DaemonContext } from '../context.js';
import type { StreamWriter } from '../stream-writer.js';

export async function watch(
  _request: RequestOf<'watch'>,
  ctx: DaemonContext,
  stream: StreamWriter<StreamEventOf['watch']>,
): Promise<void> {
  // Changes come in bursts (a scale of 100 is 300 transitions): coalesce them per turn of the loop.
  const changed = new Set<number>();
  let flushScheduled = false;
  let snapshotSent = false;
  const flush = () => {
    flushScheduled = false;
    if (!snapshotSent || changed.size === 0) return;
    const members = new Map(ctx.pool.all().map((p) => [p.id, p]));
    const processes = [...changed].flatMap((id) => {
      const proc = members.get(id);
      return proc ? [proc.info()] : [];
    });
    const removedIds = [...changed].filter((id) => !members.has(id));
    changed.clear();
    stream.send({ type: 'changes', processes, removedIds });
  };
  const onChange = (proc: ManagedProcess) => {
    changed.add(proc.id);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  };
  const onSample = (sample: MonitorSample) => {
    // The snapshot's trails will hold it.
    if (!snapshotSent) return;
    // A sample may name an instance whose creation is still queued: send the creation first.
    flush();
    stream.send({ type: 'sample', ...sample });
  };

  ctx.pool.on('change', onChange);
  ctx.monitor.on('sample', onSample);
  const processes = await ctx.pool.listInSlices();
  stream.send({
    type: 'snapshot',
    processes,
    daemon: ctx.monitor.daemonUsage(),
    trails: ctx.monitor.trails(TRAIL_POINTS),
    metricsIntervalMs: ctx.monitor.intervalMs,
  });
  snapshotSent = true;
  flush();
  await stream.closed;
  ctx.pool.off('change', onChange);
  ctx.monitor.off('sample', onSample);
}
