// What each action key of `pm top` asks the daemon for, and the line the status bar shows
// afterwards. Pure: a key on a stopped instance and the wording of results are tested as values.
import type { ProcessInfo } from '../protocol/process-info.js';
import type { ControlRequest } from './process-feed.js';

export type ActionKey = 'r' | 's' | 'p' | '+' | '-';

const RUNNING = new Set<ProcessInfo['status']>([
  'starting',
  'online',
  'paused',
  'waiting-restart',
  'stopping',
]);

export const instanceLabel = (p: ProcessInfo): string => `${p.name}:${p.index}`;

/** The request a key sends for the selected instance, or why there is nothing to do. */
export function requestFor(key: ActionKey, p: ProcessInfo): ControlRequest | { refused: string } {
  const target = { kind: 'id', id: p.id } as const;
  switch (key) {
    case 'r':
      return { type: 'restart', target };
    case 's':
      return RUNNING.has(p.status) ? { type: 'stop', target } : { type: 'start', target };
    case 'p':
      if (p.status === 'paused') return { type: 'resume', target };
      if (p.status === 'online' || p.status === 'starting') return { type: 'pause', target };
      return { refused: `${instanceLabel(p)} is ${p.status}: only a running instance can be paused` };
    case '+':
    case '-':
      return { type: 'scale', name: p.name, change: { mode: 'add', count: key === '+' ? 1 : -1 } };
  }
}

/** `restart web:0 → online (pid 4242)`; for a scale, the app's new instance count. */
export function describeResult(request: ControlRequest, subject: ProcessInfo, infos: ProcessInfo[]): string {
  if (request.type === 'scale') {
    const count = request.change?.count ?? 0;
    return `scale ${request.name} ${count > 0 ? '+' : ''}${count} → ${infos.length} instances`;
  }
  const after = infos.find((p) => p.id === subject.id) ?? infos[0];
  if (!after) return `${request.type} ${instanceLabel(subject)}: done`;
  const pid = after.pid === null ? '' : ` (pid ${after.pid})`;
  const reason = after.reason ? `: ${after.reason}` : '';
  return `${request.type} ${instanceLabel(subject)} → ${after.status}${pid}${reason}`;
}

/** The label a key shows in the footer for the selected instance (`s stop` or `s start`). */
export function toggleLabels(p: ProcessInfo | undefined): { s: string; p: string } {
  if (!p) return { s: 'stop', p: 'pause' };
  return { s: RUNNING.has(p.status) ? 'stop' : 'start', p: p.status === 'paused' ? 'resume' : 'pause' };
}
