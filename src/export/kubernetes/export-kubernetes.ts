// `pm export kubernetes`: each app as a Deployment (or a Job, or a CronJob), a Service for its
// listen: ports and an HPA for its pool, one file per object, with every key that could not be
// mapped in the report.
import { stringify } from 'yaml';
import type { AppSpec } from '../../protocol/app-spec.js';
import type { ExportedFile, ExportResult } from '../export-result.js';
import type { Manifest } from './manifest.js';
import { mapAutoscaler } from './map-autoscaler.js';
import { mapService } from './map-service.js';
import { mapWorkload } from './map-workload.js';
import { toObjectName } from './names.js';
import { reportUnmapped } from './report-unmapped.js';

export interface KubernetesOptions {
  image?: string;
  namespace?: string;
  /** The config file exported, named in each file's header. */
  file: string;
}

/** The objects of one app, and its report lines. */
export function mapApp(
  spec: AppSpec,
  apps: ReadonlyMap<string, AppSpec>,
  options: Omit<KubernetesOptions, 'file'>,
): { objects: Manifest[]; report: string[] } {
  const name = toObjectName(spec.name);
  const report: string[] = [];
  if (name !== spec.name)
    report.push(`${spec.name}: name: not a Kubernetes name, the objects are named ${name}`);
  const workload = mapWorkload(spec, { name, image: options.image, apps }, options.namespace);
  report.push(...workload.report);
  const objects = [workload.value];
  if (spec.listen && spec.listen.length > 0) objects.push(mapService(spec.listen, workload.value.metadata));
  if (spec.pool && spec.type !== 'task') {
    const hpa = mapAutoscaler(spec, spec.pool, workload.value.metadata);
    objects.push(hpa.value);
    report.push(...hpa.report);
  }
  report.push(...reportUnmapped(spec));
  return { objects, report };
}

function toFile(object: Manifest, app: string, source: string): ExportedFile {
  const { notes, ...manifest } = object;
  const header = [`Exported by \`pm export kubernetes\` from ${source} (app ${app}).`, ...notes];
  return {
    name: `${object.metadata.name}.${object.kind.toLowerCase()}.yaml`,
    // A leading `---` keeps the files apart when they are printed one after another to stdout.
    content: `---\n${header.map((line) => `# ${line}`).join('\n')}\n${stringify(manifest)}`,
  };
}

export function exportKubernetes(apps: AppSpec[], options: KubernetesOptions): ExportResult {
  const byName = new Map(apps.map((app) => [app.name, app]));
  const files: ExportedFile[] = [];
  const report: string[] = [];
  for (const spec of apps) {
    const mapped = mapApp(spec, byName, options);
    files.push(...mapped.objects.map((object) => toFile(object, spec.name, options.file)));
    report.push(...mapped.report);
  }
  return { files, report };
}
