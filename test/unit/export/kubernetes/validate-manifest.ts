// Checks an exported object against the published Kubernetes schemas (kubernetes-models ships
// them compiled, so no network is needed): types, required fields, enums and formats. The schemas
// allow unknown fields, as the API server does without strict field validation.
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { CronJob, Job } from 'kubernetes-models/batch/v1';
import { Service } from 'kubernetes-models/v1';

interface Validating {
  validate(): void;
}

const MODELS: Record<string, (object: never) => Validating> = {
  'apps/v1 Deployment': (object) => new Deployment(object),
  'autoscaling/v2 HorizontalPodAutoscaler': (object) => new HorizontalPodAutoscaler(object),
  'batch/v1 Job': (object) => new Job(object),
  'batch/v1 CronJob': (object) => new CronJob(object),
  'v1 Service': (object) => new Service(object),
};

/** Throws with the schema's message when the object is not valid. */
export function validateManifest(object: { apiVersion: string; kind: string }): void {
  const model = MODELS[`${object.apiVersion} ${object.kind}`];
  if (!model) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
  const { notes: _notes, ...manifest } = object as { notes?: unknown };
  model(manifest as never).validate();
}
