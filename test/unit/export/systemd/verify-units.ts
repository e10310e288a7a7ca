// Runs `systemd-analyze verify` on exported units when the host has it; what it complains about.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ExportedFile } from '../../../../src/export/export-result.js';

const ANALYZE = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((file) => fs.existsSync(file));

/** Why the checks against systemd are skipped, or false when they run. */
export const noSystemdAnalyze: string | false = ANALYZE ? false : 'systemd-analyze is not installed here';

/** The lines verify printed about the files (an empty list: all is well). */
export function verifyUnits(files: readonly ExportedFile[]): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-systemd-verify-'));
  try {
    for (const file of files) fs.writeFileSync(path.join(dir, file.name), file.content);
    // Templates are checked through an instance, as systemd loads them.
    const names = files.map((file) =>
      file.name.endsWith('@.service') ? file.name.replace('@.', '@0.') : file.name,
    );
    const result = spawnSync(ANALYZE!, ['verify', ...names.map((name) => `./${name}`)], {
      cwd: dir,
      encoding: 'utf8',
    });
    return `${result.stdout}${result.stderr}`.split('\n').filter((line) => line.trim() !== '');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The next `count` times `expression` elapses, in ms since the epoch, as systemd computes them. */
export function systemdElapses(expression: string, count: number): number[] {
  const output = execFileSync(ANALYZE!, ['calendar', `--iterations=${count}`, expression], {
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' },
  });
  return [...output.matchAll(/(?:Next elapse|Iter\. #\d+): \w+ (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC/g)].map(
    (match) => Date.parse(`${match[1]!.replace(' ', 'T')}Z`),
  );
}
