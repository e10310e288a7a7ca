// `pm start`: a target starts apps the daemon knows; a script, command or config file is applied.
import { daemonHost, refuseIsolation } from '../../config/app-spec/check-isolation.js';
import { PmError } from '../../protocol/errors.js';
import type { RequestOf, ResponseOf } from '../../protocol/messages.js';
import type { DaemonContext } from '../context.js';
import { checkLimits } from '../limit-check.js';

// Checked here too, against this daemon's uid and limits: the CLI checked its own, and a client
// need not be our CLI. Nothing of the request is applied when one app is refused.
function refuseUnrunnable(apps: RequestOf<'apply'>['apps']): void {
  if (!apps.some((spec) => spec.runAs || spec.rlimits)) return;
  const host = daemonHost();
  for (const spec of apps) {
    const refused = refuseIsolation(spec, host);
    if (refused) throw new PmError('bad-request', refused);
  }
}

// The settings first: a port that cannot be served refuses the whole request, as a bad file does.
export const apply = async (r: RequestOf<'apply'>, ctx: DaemonContext): Promise<ResponseOf['apply']> => {
  refuseUnrunnable(r.apps);
  const apps = r.apps.map((spec) => ctx.envs.internSpec(spec));
  checkLimits(ctx.limits, r.apps, { events: ctx.events, notify: (text) => ctx.notices.add(text) });
  if (r.settings) await ctx.settings.apply(r.settings);
  let changes: ResponseOf['apply']['changes'] = [];
  const instances = await ctx.pool.apply(apps, r.reload, {
    force: r.force === true,
    onChanges: (described) => {
      changes = described;
    },
  });
  return { instances, changes };
};

export const start = (r: RequestOf<'start'>, ctx: DaemonContext): Promise<ResponseOf['start']> =>
  ctx.pool.start(r.target);
