// `watch` (what `pm top` shows): a full snapshot, then changes and samples as they happen. The
// subscriptions and the snapshot are taken in one synchronous step, so no update falls between.
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
  const flush = () => {
    flushScheduled = false;
    if (changed.size === 0) return;
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
    // A sample may name an instance whose creation is still queued: send the creation first.
    flush();
    stream.send({ type: 'sample', ...sample });
  };

  ctx.pool.on('change', onChange);
  ctx.monitor.on('sample', onSample);
  stream.send({
    type: 'snapshot',
    processes: ctx.pool.list(),
    daemon: ctx.monitor.daemonUsage(),
    trails: ctx.monitor.trails(TRAIL_POINTS),
    metricsIntervalMs: ctx.monitor.intervalMs,
  });
  await stream.closed;
  ctx.pool.off('change', onChange);
  ctx.monitor.off('sample', onSample);
}
