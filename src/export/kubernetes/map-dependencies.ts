// depends_on: as init containers that wait until the dependency's Service accepts connections
// (a Service routes to ready pods only, so this also waits for its readiness probe).
import type { AppSpec } from '../../protocol/app-spec.js';
import type { Mapped } from './manifest.js';
import { toObjectName } from './names.js';

export interface InitContainer {
  name: string;
  image: string;
  command: string[];
}

const WAIT_IMAGE = 'busybox:1.36';

export function mapDependencies(spec: AppSpec, apps: ReadonlyMap<string, AppSpec>): Mapped<InitContainer[]> {
  const value: InitContainer[] = [];
  const report: string[] = [];
  for (const dependency of spec.dependsOn ?? []) {
    const target = apps.get(dependency.app);
    const port = target?.listen?.[0]?.port;
    const where = `${spec.name}: depends_on.${dependency.app}`;
    if (port === undefined) {
      report.push(
        target?.type === 'task'
          ? `${where}: ${dependency.condition}: a Job has no Service to wait for; order them in your deploy (kubectl wait --for=condition=complete job/${toObjectName(dependency.app)})`
          : `${where}: it has no listen: port, so no Service to wait for; give it listen: or order them in your deploy`,
      );
      continue;
    }
    const service = toObjectName(dependency.app);
    value.push({
      name: `wait-for-${service}`.slice(0, 63).replace(/-+$/, ''),
      image: WAIT_IMAGE,
      command: ['sh', '-c', `until nc -z ${service} ${port}; do sleep 1; done`],
    });
    if (dependency.restart)
      report.push(`${where}: restart: no equivalent; a pod waits for it only when it starts`);
  }
  return { value, report };
}
