// An alert about one instance, in the shape every watcher records it.
import type { PmEventInput, PmEventType } from '../../protocol/events.js';

export const instanceAlert = (
  proc: { name: string; index: number; id: number },
  type: PmEventType,
  message: string,
  data: PmEventInput['data'],
): PmEventInput => ({
  type,
  severity: 'alert',
  app: proc.name,
  index: proc.index,
  id: proc.id,
  message,
  data,
});
