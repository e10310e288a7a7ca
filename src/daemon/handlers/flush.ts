// `pm flush [target]`: empty the current log files of the selected instances.
import type { RequestOf, ResponseOf } from '../../protocol/messages.js';
import type { DaemonContext } from '../context.js';

export async function flush(request: RequestOf<'flush'>, ctx: DaemonContext): Promise<ResponseOf['flush']> {
  const files = new Set<string>();
  for (const proc of ctx.pool.select(request.target)) for (const file of proc.output.flush()) files.add(file);
  return { files: [...files] };
}
