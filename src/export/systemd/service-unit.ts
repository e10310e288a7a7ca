// One app as its service unit (a template for several instances) and the sockets and timers beside it.
import type { AppSpec } from '../../protocol/app-spec.js';
import type { ExportedFile } from '../export-result.js';
import { addDependencyDirectives } from './dependency-directives.js';
import { addExecDirectives } from './exec-directives.js';
import { addRecoveryDirectives } from './recovery-directives.js';
import { addResourceDirectives } from './resource-directives.js';
import { socketUnits } from './socket-units.js';
import { escapeText } from './systemd-quote.js';
import { timerUnits } from './timer-units.js';
import type { UnitBuilder } from './unit-builder.js';
import { renderUnit } from './unit-file.js';
import { isTemplate, serviceFile } from './unit-names.js';
import { reportUnmappedKeys } from './unmapped-keys.js';

export interface AppUnitsOptions {
  user: boolean;
  /** The config file, named in each unit's header. */
  file: string;
  /** Every app of the config: dependencies name their units. */
  apps: readonly AppSpec[];
}

function header(spec: AppSpec, file: string, user: boolean): string[] {
  const lines = [
    `# ${spec.name}, exported by \`pm export systemd\` from ${file}.`,
    '# Only env: is set: the environment of the shell that ran pm is not carried over.',
  ];
  if (isTemplate(spec)) {
    const last = spec.instances - 1;
    const systemctl = `systemctl${user ? ' --user' : ''}`;
    lines.push(
      `# A template: enable one unit per instance, ${spec.name}@0 … ${spec.name}@${last}:`,
      `#   ${systemctl} enable --now ${spec.name}@{0..${last}}`,
    );
  }
  return lines;
}

function install(spec: AppSpec, user: boolean): string[] {
  // A scheduled task runs when its timer says, not at boot (pm does not run it when it is defined).
  if (spec.schedule?.action === 'run') return [];
  return [`WantedBy=${user ? 'default.target' : 'multi-user.target'}`];
}

export function appUnits(
  spec: AppSpec,
  options: AppUnitsOptions,
): { files: ExportedFile[]; report: string[] } {
  const report: string[] = [];
  const out: UnitBuilder = {
    unit: [],
    service: [],
    user: options.user,
    report: (key, message) => report.push(`${spec.name}: ${key}: ${message}`),
  };
  if (spec.instances === 0)
    out.report('instances', '0 (pool min_size 0): the unit runs one instance once enabled');
  addExecDirectives(spec, out);
  addRecoveryDirectives(spec, out);
  addResourceDirectives(spec, out);
  addDependencyDirectives(spec, options.apps, out);
  const sockets = socketUnits(spec, out);
  const timers = timerUnits(spec, out);
  reportUnmappedKeys(spec, out);
  const service: ExportedFile = {
    name: serviceFile(spec),
    content: renderUnit({
      header: header(spec, options.file, options.user),
      sections: [
        {
          name: 'Unit',
          lines: [`Description=${escapeText(`${spec.name} (pm app: ${spec.run.display})`)}`, ...out.unit],
        },
        { name: 'Service', lines: out.service },
        { name: 'Install', lines: install(spec, options.user) },
      ],
    }),
  };
  return { files: [service, ...sockets, ...timers], report };
}
