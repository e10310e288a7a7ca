// The pod template shared by a Deployment, a Job and a CronJob: containers, the wait for
// dependencies, the user, and the grace period before SIGKILL.
import type { AppSpec } from '../../protocol/app-spec.js';
import type { Container, Mapped } from './manifest.js';
import { mapContainer } from './map-container.js';
import { mapDependencies } from './map-dependencies.js';
import { labelsOf } from './names.js';
import { toSeconds } from './quantities.js';

export interface PodContext {
  name: string;
  image: string | undefined;
  apps: ReadonlyMap<string, AppSpec>;
}

export interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: {
    restartPolicy: 'Always' | 'OnFailure' | 'Never';
    terminationGracePeriodSeconds: number;
    securityContext?: { runAsUser: number; runAsGroup: number };
    initContainers?: unknown[];
    containers: Container[];
  };
}

export function mapPod(
  spec: AppSpec,
  context: PodContext,
  restartPolicy: PodTemplate['spec']['restartPolicy'],
): Mapped<PodTemplate> {
  const container = mapContainer(spec, context.name, context.image);
  const dependencies = mapDependencies(spec, context.apps);
  const report = [...container.report, ...dependencies.report];
  if (spec.stop.signal !== 'SIGTERM')
    report.push(
      `${spec.name}: stop.signal: ${spec.stop.signal}: Kubernetes always sends SIGTERM; set STOPSIGNAL in the image or send it from a preStop hook`,
    );
  const value: PodTemplate = {
    metadata: { labels: labelsOf(context.name) },
    spec: {
      restartPolicy,
      terminationGracePeriodSeconds: toSeconds(spec.stop.killTimeoutMs),
      ...(spec.runAs ? { securityContext: { runAsUser: spec.runAs.uid, runAsGroup: spec.runAs.gid } } : {}),
      ...(dependencies.value.length > 0 ? { initContainers: dependencies.value } : {}),
      containers: [container.value],
    },
  };
  return { value, report };
}
