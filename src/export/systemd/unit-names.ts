// The names of an app's units: a template `<app>@.service` runs several instances (`<app>@0` …).
import type { AppSpec } from '../../protocol/app-spec.js';

export const isTemplate = (spec: Pick<AppSpec, 'instances'>): boolean => spec.instances > 1;

/** The file name of the app's service unit. */
export const serviceFile = (spec: Pick<AppSpec, 'name' | 'instances'>): string =>
  isTemplate(spec) ? `${spec.name}@.service` : `${spec.name}.service`;

/** The units that are the app when it runs: every instance of a template. */
export function runningUnits(spec: Pick<AppSpec, 'name' | 'instances'>): string[] {
  if (!isTemplate(spec)) return [`${spec.name}.service`];
  return Array.from({ length: spec.instances }, (_, index) => `${spec.name}@${index}.service`);
}

/** What `systemctl restart` takes for every instance: a glob for a template's loaded instances. */
export const restartTarget = (spec: Pick<AppSpec, 'name' | 'instances'>): string =>
  isTemplate(spec) ? `${spec.name}@*.service` : `${spec.name}.service`;
