// The app's main container: what to run, where, with which env, ports, resources and probes.
import type { AppSpec } from '../../protocol/app-spec.js';
import type { Container, Mapped } from './manifest.js';
import { mapProbes } from './map-probes.js';
import { mapResources } from './map-resources.js';

export function mapContainer(spec: AppSpec, name: string, image: string | undefined): Mapped<Container> {
  const report: string[] = [];
  if (image === undefined)
    report.push(
      `${spec.name}: image: pm runs files of this host; give --image, the placeholder is REPLACE-ME/${name}`,
    );
  const resources = mapResources(spec);
  const probes = mapProbes(spec.name, spec.health);
  report.push(...resources.report, ...probes.report);
  const env = Object.entries(spec.env).map(([key, value]) => ({ name: key, value }));
  const ports = (spec.listen ?? []).map(({ port }) => ({ containerPort: port, protocol: 'TCP' as const }));
  const value: Container = {
    name,
    image: image ?? `REPLACE-ME/${name}:latest`,
    command: [spec.run.file],
    ...(spec.run.args.length > 0 ? { args: spec.run.args } : {}),
    workingDir: spec.cwd,
    ...(env.length > 0 ? { env } : {}),
    ...(ports.length > 0 ? { ports } : {}),
    ...(resources.value ? { resources: resources.value } : {}),
    ...probes.value,
  };
  return { value, report };
}
