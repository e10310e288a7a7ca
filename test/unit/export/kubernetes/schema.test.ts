// Every kind of object the exporter writes passes the published Kubernetes schemas, and one that
// breaks them does not (so the check is not vacuous).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { exportKubernetes } from '../../../../src/export/kubernetes/export-kubernetes.js';
import type { AppSpec } from '../../../../src/protocol/app-spec.js';
import { DB, EVERY_KEY, specOf } from './fixtures.js';
import { validateManifest } from './validate-manifest.js';

const APPS: AppSpec[] = [
  EVERY_KEY,
  DB,
  specOf({ name: 'migrate', type: 'task', dependsOn: [{ app: 'db', condition: 'healthy', restart: false }] }),
  specOf({
    name: 'nightly',
    type: 'task',
    instances: 2,
    schedule: { cron: '0 3 * * *', action: 'run', timezone: 'UTC' },
  }),
];

test('every object of every file passes the Kubernetes schema of its kind', () => {
  const { files } = exportKubernetes(APPS, { file: 'pm.yaml', namespace: 'prod' });
  const kinds = new Set<string>();
  for (const file of files) {
    for (const document of parseAllDocuments(file.content)) {
      const object = document.toJS();
      assert.doesNotThrow(() => validateManifest(object), file.name);
      assert.equal(object.metadata.namespace, 'prod');
      assert.equal(file.name, `${object.metadata.name}.${object.kind.toLowerCase()}.yaml`);
      kinds.add(object.kind);
    }
  }
  assert.deepEqual([...kinds].sort(), ['CronJob', 'Deployment', 'HorizontalPodAutoscaler', 'Job', 'Service']);
});

test('the schema check catches a wrong type', () => {
  const { files } = exportKubernetes([DB], { file: 'pm.yaml' });
  const service = parseAllDocuments(files[1]!.content)[0]!.toJS();
  service.spec.ports[0].port = 'five';
  assert.throws(() => validateManifest(service), /port must be integer/);
});
