// The object that runs the app: a Deployment for a service, a Job for a task, a CronJob for a task
// with a schedule.
import type { AppSpec } from '../../protocol/app-spec.js';
import type { Manifest, Mapped } from './manifest.js';
import { mapPod, type PodContext } from './map-pod.js';
import { mapRecovery } from './map-recovery.js';
import { labelsOf } from './names.js';

const HOST_PATHS_NOTE =
  'command and workingDir are paths of the host the config was exported on: build the image so they exist, or edit them.';

function metadataOf(context: PodContext, namespace: string | undefined): Manifest['metadata'] {
  return { name: context.name, ...(namespace ? { namespace } : {}), labels: labelsOf(context.name) };
}

// A 6-field expression starts with seconds, which a CronJob does not have.
function toCronSchedule(spec: AppSpec, cron: string, report: string[]): string {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 6) return cron;
  report.push(
    `${spec.name}: cron: "${cron}" has a seconds field; a CronJob has minutes at most, it was dropped`,
  );
  return fields.slice(1).join(' ');
}

export function mapWorkload(
  spec: AppSpec,
  context: PodContext,
  namespace: string | undefined,
): Mapped<Manifest> {
  const recovery = mapRecovery(spec);
  const pod = mapPod(spec, context, recovery.value.restartPolicy);
  const report = [...recovery.report, ...pod.report];
  const notes = [HOST_PATHS_NOTE];
  if (spec.runAs) notes.push(`runAsUser/runAsGroup are ${spec.runAs.user}'s ids on the exporting host.`);
  const metadata = metadataOf(context, namespace);
  if (spec.type !== 'task') {
    // pm starts a pool with `instances` (its min_size in a config); the HPA takes it from there.
    const deployment = {
      replicas: spec.instances,
      selector: { matchLabels: labelsOf(context.name) },
      template: pod.value,
    };
    return {
      value: { apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec: deployment, notes },
      report,
    };
  }
  const job = {
    completions: spec.instances,
    parallelism: spec.instances,
    backoffLimit: recovery.value.backoffLimit,
    template: pod.value,
  };
  if (spec.schedule?.action !== 'run')
    return { value: { apiVersion: 'batch/v1', kind: 'Job', metadata, spec: job, notes }, report };
  const cronJob = {
    schedule: toCronSchedule(spec, spec.schedule.cron, report),
    ...(spec.schedule.timezone ? { timeZone: spec.schedule.timezone } : {}),
    concurrencyPolicy: 'Forbid',
    jobTemplate: { spec: job },
  };
  return { value: { apiVersion: 'batch/v1', kind: 'CronJob', metadata, spec: cronJob, notes }, report };
}
