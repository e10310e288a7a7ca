// `pm start`: a target starts apps the daemon knows; a script, command or config file is applied.
import type { RequestOf, ResponseOf } from '../../protocol/messages.js';
import type { DaemonContext } from '../context.js';
import { checkLimits } from '../limit-check.js';

// The settings first: a port that cannot be served refuses the whole request, as a bad file does.
export const apply = async (r: RequestOf<'apply'>, ctx: DaemonContext): Promise<ResponseOf['apply']> => {
  checkLimits(ctx.cgroups, r.apps, { events: ctx.events, notify: (text) => ctx.notices.add(text) });
  if (r.settings) await ctx.settings.apply(r.settings);
  return ctx.pool.apply(r.apps);
};

export const start = (r: RequestOf<'start'>, ctx: DaemonContext): Promise<ResponseOf['start']> =>
  ctx.pool.start(r.target);
