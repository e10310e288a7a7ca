// cron: (a task run on a schedule) and cron_restart: (a service restarted on one) as timers.
import type { AppSpec } from '../../protocol/app-spec.js';
import type { ExportedFile } from '../export-result.js';
import { cronToCalendar } from './cron-to-calendar.js';
import { quoteCommand } from './systemd-quote.js';
import type { UnitBuilder } from './unit-builder.js';
import { renderUnit } from './unit-file.js';
import { isTemplate, restartTarget } from './unit-names.js';

function timer(name: string, description: string, calendars: string[], unit: string | null): ExportedFile {
  return {
    name,
    content: renderUnit({
      header: ['# No Persistent=: like pm, a run missed while the machine was off is not made up.'],
      sections: [
        { name: 'Unit', lines: [`Description=${description}`] },
        {
          name: 'Timer',
          // AccuracySec= defaults to a minute; cron's seconds need better.
          lines: [
            ...calendars.map((at) => `OnCalendar=${at}`),
            'AccuracySec=1s',
            ...(unit ? [`Unit=${unit}`] : []),
          ],
        },
        { name: 'Install', lines: ['WantedBy=timers.target'] },
      ],
    }),
  };
}

/** The timer (and for cron_restart the oneshot it starts) of a scheduled app; none without schedule. */
export function timerUnits(spec: AppSpec, out: UnitBuilder): ExportedFile[] {
  const { schedule } = spec;
  if (!schedule) return [];
  const key = schedule.action === 'run' ? 'cron' : 'cron_restart';
  const converted = cronToCalendar(schedule.cron, schedule.timezone);
  if ('problem' in converted) {
    out.report(key, `"${schedule.cron}": ${converted.problem}; no timer written`);
    return [];
  }
  const { calendars } = converted;
  if (schedule.action === 'run') {
    if (isTemplate(spec))
      out.report(key, `a timer starts one unit: ${spec.name}@0.service, not every instance`);
    return [
      timer(
        `${spec.name}.timer`,
        `${spec.name}: ${schedule.cron}`,
        calendars,
        isTemplate(spec) ? `${spec.name}@0.service` : null,
      ),
    ];
  }
  const restart = `${spec.name}-restart`;
  const systemctl = quoteCommand('/bin/systemctl', [
    ...(out.user ? ['--user'] : []),
    'restart',
    restartTarget(spec),
  ]);
  const service: ExportedFile = {
    name: `${restart}.service`,
    content: renderUnit({
      header: [`# Started by ${restart}.timer (cron_restart: ${schedule.cron}).`],
      sections: [
        { name: 'Unit', lines: [`Description=${spec.name}: restart on schedule`] },
        { name: 'Service', lines: ['Type=oneshot', `ExecStart=${systemctl}`] },
      ],
    }),
  };
  return [timer(`${restart}.timer`, `${spec.name}: restart at ${schedule.cron}`, calendars, null), service];
}
