// Placeholder until the systemd exporter lands: refuses with a clear line.
import type { AppSpec } from '../../protocol/app-spec.js';
import { PmError } from '../../protocol/errors.js';
import type { ExportResult } from '../export-result.js';

export function exportSystemd(_apps: AppSpec[], _options: { user: boolean; file: string }): ExportResult {
  throw new PmError('bad-request', 'pm export systemd is not built yet');
}
