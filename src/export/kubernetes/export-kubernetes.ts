// Placeholder until the Kubernetes exporter lands: refuses with a clear line.
import type { AppSpec } from '../../protocol/app-spec.js';
import { PmError } from '../../protocol/errors.js';
import type { ExportResult } from '../export-result.js';

export function exportKubernetes(
  _apps: AppSpec[],
  _options: { image?: string; namespace?: string; file: string },
): ExportResult {
  throw new PmError('bad-request', 'pm export kubernetes is not built yet');
}
