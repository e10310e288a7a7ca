// What runs, where, with which environment: ExecStart=, WorkingDirectory=, Environment=.
import path from 'node:path';
import { findExecutable } from '../../config/app-spec/find-executable.js';
import { packageRoot } from '../../installed-package.js';
import type { AppSpec } from '../../protocol/app-spec.js';
import { escapeText, quoteAssignment, quoteCommand, quoteExecArg } from './systemd-quote.js';
import type { UnitBuilder } from './unit-builder.js';
import { isTemplate } from './unit-names.js';

/** run.file as an absolute path (what ExecStart= needs), found on the app's PATH, or null. */
function absoluteProgram(spec: AppSpec): string | null {
  if (path.isAbsolute(spec.run.file)) return spec.run.file;
  const found = findExecutable(spec.run.file, spec.env.PATH ?? spec.baseEnv.PATH, spec.cwd);
  return found === null ? null : path.resolve(spec.cwd, found);
}

/** NODE_OPTIONS that loads pm's preload, as pm sets it: a Node app's listen(port) takes the socket. */
function nodeOptions(spec: AppSpec): string | undefined {
  if (!spec.listen?.length) return undefined;
  const preload = path.join(packageRoot(), 'dist/src/listen/node-preload.cjs');
  return [spec.env.NODE_OPTIONS, `--require ${JSON.stringify(preload)}`].filter(Boolean).join(' ');
}

/**
 * increment_var in a template: `%i` is only known when the instance starts, so a small shell
 * computes the value (the base is a whole number checked when the config was read) and execs the app.
 */
function withIncrement(spec: AppSpec, command: string): string {
  const name = spec.incrementVar;
  if (name === undefined || !isTemplate(spec)) return command;
  const base = Number(spec.env[name]);
  const script = quoteExecArg(`${name}=$((${base} + %i)); export ${name}; exec "$0" "$@"`).replace(
    '%%i',
    '%i',
  );
  return `/bin/sh -c ${script} ${command}`;
}

export function addExecDirectives(spec: AppSpec, out: UnitBuilder): void {
  const program = absoluteProgram(spec);
  if (program === null) {
    out.report(
      'script',
      `"${spec.run.file}" is not on the app's PATH here: ExecStart= names it bare (systemd looks in its own fixed PATH); write its absolute path`,
    );
  }
  out.service.push(
    `ExecStart=${withIncrement(spec, quoteCommand(program ?? spec.run.file, spec.run.args))}`,
    `WorkingDirectory=${escapeText(spec.cwd)}`,
  );
  const index = isTemplate(spec) ? '%i' : '0';
  out.service.push(
    `Environment=${quoteAssignment('PM_APP_NAME', spec.name)} PM_INSTANCE=${index} NODE_APP_INSTANCE=${index}`,
  );
  const preload = nodeOptions(spec);
  if (preload !== undefined)
    out.service.push(
      "# listen: NODE_OPTIONS loads pm's preload from pm's installation: keep pm installed there.",
    );
  const env = { ...spec.env, ...(preload !== undefined && { NODE_OPTIONS: preload }) };
  for (const [name, value] of Object.entries(env))
    out.service.push(`Environment=${quoteAssignment(name, value)}`);
  if (spec.envInherit === false)
    out.service.push(
      '# env_inherit: false needs nothing here: systemd starts every service with a clean environment.',
    );
}
