// `pm export systemd`: each app of a config as systemd units (a service or a template, its sockets
// and timers), with a report line for every setting systemd cannot carry.
import type { AppSpec } from '../../protocol/app-spec.js';
import type { ExportResult } from '../export-result.js';
import { appUnits } from './service-unit.js';

export function exportSystemd(apps: AppSpec[], options: { user: boolean; file: string }): ExportResult {
  const result: ExportResult = { files: [], report: [] };
  for (const spec of apps) {
    const { files, report } = appUnits(spec, { ...options, apps });
    result.files.push(...files);
    result.report.push(...report);
  }
  return result;
}
