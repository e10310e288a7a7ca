// Read a config file's text, refusing what cannot be a config before reading it: a missing file,
// a directory, a device, or something far too large (a 50 MB log given by mistake).
import fs from 'node:fs';
import path from 'node:path';
import { configError } from './config-issue.js';

/** Far above any real config (50 apps take about 5 KB), far below a mistake that would hurt. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** The text of the file, or a bad-config PmError that says what is wrong with the path. */
export function readConfigFile(file: string): string {
  const fail = (message: string) => configError(file, [{ line: 0, column: 0, path: '', message }]);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw fail('no such file: check the path, or run `pm init` to create one');
    throw fail(`cannot read it (${code}): check the path and its permissions`);
  }
  if (stat.isDirectory()) {
    throw fail(`found a directory, expected a YAML config file such as ${path.join(file, 'pm.yaml')}`);
  }
  if (!stat.isFile()) throw fail('found a special file, expected a regular YAML config file');
  if (stat.size > MAX_CONFIG_BYTES) {
    const mb = (stat.size / 1024 / 1024).toFixed(1);
    throw fail(`found ${mb} MB, expected a config file of at most 1 MB: is this the right file?`);
  }
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw fail(`cannot read it (${(error as NodeJS.ErrnoException).code}): check its permissions`);
  }
}
