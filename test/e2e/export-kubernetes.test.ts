// `pm export kubernetes` run as a black box on the examples: one valid object per file, the same
// objects on stdout, unmapped keys on stderr, --strict exits 1, and no daemon is started.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { ROOT, runCli } from '../helpers/run-cli.js';
import { setupTempHome } from '../helpers/setup-temp-home.js';
import { validateManifest } from '../unit/export/kubernetes/validate-manifest.js';

const t = setupTempHome();

const EXAMPLES = [
  {
    config: 'examples/pm.yaml',
    files: [
      'migrate.job.yaml',
      'web.deployment.yaml',
      'worker.deployment.yaml',
      'worker.horizontalpodautoscaler.yaml',
    ],
  },
  {
    config: 'examples/workflow/pm.yaml',
    files: ['db.deployment.yaml', 'migrate.job.yaml', 'web.deployment.yaml'],
  },
];

function objectsOf(content: string): { apiVersion: string; kind: string; metadata: { name: string } }[] {
  const documents = parseAllDocuments(content);
  if (!Array.isArray(documents)) throw new Error('not a YAML stream');
  for (const document of documents) assert.deepEqual(document.errors, [], content);
  return documents.map((document) => document.toJS());
}

test('-o writes one file per object, each valid against the Kubernetes schemas', async () => {
  for (const { config, files } of EXAMPLES) {
    const out = path.join(t.home, path.dirname(config));
    const result = await runCli(
      ['export', 'kubernetes', config, '-o', out, '--image', 'example/app:1'],
      t.env,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `wrote ${files.length} files to ${out}\n`);
    assert.deepEqual(fs.readdirSync(out).sort(), files);
    for (const name of files) {
      const content = fs.readFileSync(path.join(out, name), 'utf8');
      assert.match(content, /^---\n# Exported by `pm export kubernetes` from /);
      for (const object of objectsOf(content)) {
        assert.doesNotThrow(() => validateManifest(object), name);
        assert.equal(name, `${object.metadata.name}.${object.kind.toLowerCase()}.yaml`);
      }
    }
  }
  assert.equal(fs.existsSync(path.join(t.home, 'daemon.sock')), false, 'export starts no daemon');
});

test('the example maps what it can: a probe, an HPA from the pool, a Job for the task', async () => {
  const out = path.join(t.home, 'out');
  await runCli(['export', 'kubernetes', 'examples/pm.yaml', '-o', out, '--namespace', 'shop'], t.env);
  const web = fs.readFileSync(path.join(out, 'web.deployment.yaml'), 'utf8');
  assert.match(web, /^ {10}image: REPLACE-ME\/web:latest$/m);
  assert.ok(web.includes(`- ${path.join(ROOT, 'examples', 'hello-server.js')}\n`), web);
  assert.match(web, /livenessProbe:\n {12}httpGet:\n {14}path: \/health\n {14}port: 3100\n/);
  const hpa = fs.readFileSync(path.join(out, 'worker.horizontalpodautoscaler.yaml'), 'utf8');
  assert.match(hpa, /^ {2}namespace: shop$/m);
  assert.match(hpa, /^ {2}minReplicas: 2\n {2}maxReplicas: 4$/m);
  const workflow = path.join(t.home, 'workflow');
  await runCli(['export', 'kubernetes', 'examples/workflow/pm.yaml', '-o', workflow], t.env);
  assert.match(fs.readFileSync(path.join(workflow, 'migrate.job.yaml'), 'utf8'), /^kind: Job$/m);
});

test('without -o the files go to stdout, each under its name, and the report to stderr', async () => {
  const result = await runCli(['export', 'kubernetes', 'examples/workflow/pm.yaml'], t.env);
  assert.equal(result.code, 0, result.stderr);
  const names = [...result.stdout.matchAll(/^# (\S+\.yaml)$/gm)].map((match) => match[1]);
  assert.deepEqual(names, ['db.deployment.yaml', 'migrate.job.yaml', 'web.deployment.yaml']);
  const objects = objectsOf(result.stdout);
  assert.deepEqual(
    objects.map((object) => object.kind),
    ['Deployment', 'Job', 'Deployment'],
    'stdout is one YAML stream, a document per file',
  );
  for (const object of objects) assert.doesNotThrow(() => validateManifest(object));
  const lines = result.stderr.trimEnd().split('\n');
  for (const line of lines) assert.match(line, /^pm: not mapped: (db|migrate|web): /);
  assert.match(result.stderr, /^pm: not mapped: migrate: depends_on\.db: /m);
  assert.match(result.stderr, /^pm: not mapped: web: image: .*--image/m);
});

test('--strict exits 1 when a key was not mapped', async () => {
  const result = await runCli(['export', 'kubernetes', 'examples/pm.yaml', '--strict'], t.env);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /keys could not be mapped \(--strict\)/);
});
