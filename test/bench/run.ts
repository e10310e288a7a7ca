// `npm run bench`: runs every benchmark script (core, recovery, logs, logs-loss, monitoring,
// connections, scale), one at a time so they do not disturb each other, and prints their results
// as one table. `npm run bench -- --scale-10k` adds scale.ts's 10,000-instance part (long, so opt-in).
// `npm run bench -- --peers` then runs the shared harness (../shared/bench) with PM2 and pm in one run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PM_BIN, ROOT } from '../helpers/run-cli.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SCRIPTS = ['core', 'recovery', 'logs', 'logs-loss', 'monitoring', 'connections', 'scale', 'reload'];

interface Row {
  metric: string;
  unit: string;
  median: number | null;
  min: number;
  max: number;
  n: number;
  note?: string;
}

const rows: Array<Row & { script: string }> = [];
for (const script of SCRIPTS) {
  const file = path.join(HERE, `${script}.js`);
  if (!fs.existsSync(file)) continue;
  process.stderr.write(`bench: ${script}\n`);
  const result = spawnSync(process.execPath, [file], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...(process.argv.includes('--scale-10k') && { BENCH_SCALE_10K: '1' }) },
  });
  for (const line of result.stdout.split('\n')) {
    if (line.startsWith('{')) rows.push({ script, ...(JSON.parse(line) as Row) });
  }
  if (result.status !== 0) process.stderr.write(`bench: ${script} exited ${result.status}\n`);
}

// A figure that could not be had (a failed step, a field this build lacks) is NaN, null in JSON.
const cell = (r: Row) =>
  r.median === null ? 'n/a' : r.n > 1 ? `${r.median} (${r.min}–${r.max}, n=${r.n})` : `${r.median}`;
process.stdout.write(`| bench | metric | value | unit | note |\n|---|---|---|---|---|\n`);
for (const r of rows)
  process.stdout.write(`| ${r.script} | ${r.metric} | ${cell(r)} | ${r.unit} | ${r.note ?? ''} |\n`);

if (process.argv.includes('--peers')) {
  const harness = path.join(ROOT, '../shared/bench/run-peers.sh');
  spawnSync('bash', [harness, 'pm2', 'pm'], { stdio: 'inherit', env: { ...process.env, PM_BIN } });
}
