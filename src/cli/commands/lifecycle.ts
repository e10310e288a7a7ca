// `pm stop|restart|delete|pause|resume <target>`: the same shape, one request each.
import type { Command } from 'commander';
import { isConfigPath } from '../../config/file/config-path.js';
import { PmError } from '../../protocol/errors.js';
import type { ProcessInfo } from '../../protocol/process-info.js';
import { parseTarget } from '../../protocol/target.js';
import type { DaemonClient } from '../daemon-client.js';
import { printSummary } from '../output/summary.js';
import { withDaemon } from '../session.js';
import { waitFlag, waitTimeout, waitUntilReady } from '../wait-ready.js';

const VERBS = [
  {
    verb: 'stop',
    description:
      'stop gracefully: stop signal to the process group, SIGKILL to the tree after the kill timeout',
  },
  { verb: 'restart', description: 'stop, then start again' },
  { verb: 'delete', description: 'stop and forget', alias: 'del' },
  { verb: 'pause', description: 'freeze every process of the tree (cgroup freezer, else SIGSTOP)' },
  { verb: 'resume', description: 'thaw a paused tree' },
] as const;

type Verb = (typeof VERBS)[number]['verb'];

/** `pm delete pm.yaml`: the verb on each app of the file that the daemon knows; the others are
 * skipped. A stop or delete goes wave by wave, dependents first (depends_on). */
async function requestForConfig(client: DaemonClient, verb: Verb, file: string): Promise<ProcessInfo[]> {
  // The YAML loader only for a config file: `pm stop web` stays light.
  const { readConfigStopOrder } = await import('../../config/file/load-config.js');
  const waves = readConfigStopOrder(file);
  const names = waves.flat();
  const known = new Set((await client.request({ type: 'list' })).map((p) => p.name));
  if (!names.some((name) => known.has(name))) {
    throw new PmError(
      'not-found',
      `no app of ${file} is running or known (${names.join(', ')}): see \`pm list\``,
    );
  }
  const ordered = verb === 'stop' || verb === 'delete' ? waves : [names];
  const replies: ProcessInfo[] = [];
  for (const wave of ordered) {
    const targets = wave.filter((name) => known.has(name));
    const done = await Promise.all(
      targets.map((name) => client.request({ type: verb, target: { kind: 'name', name } })),
    );
    replies.push(...done.flat());
  }
  return replies;
}

export function registerLifecycle(program: Command): void {
  for (const { verb, description, ...rest } of VERBS) {
    const command = program
      .command(verb)
      .description(description)
      .argument('<target>', 'app name, id, name:index, all, or a config file (its apps)')
      .option('--json', 'print the affected instances as JSON');
    if (verb === 'restart') command.addOption(waitFlag());
    command.action(async (text: string, options: { json?: boolean; wait?: boolean | number }) => {
      const infos = await withDaemon(async (client) => {
        const done = isConfigPath(text)
          ? await requestForConfig(client, verb, text)
          : await client.request({ type: verb, target: parseTarget(text) });
        return waitUntilReady(client, done, waitTimeout(options.wait));
      });
      printSummary(infos, { json: Boolean(options.json), startsRuns: verb === 'restart' });
    });
    if ('alias' in rest) command.alias(rest.alias);
  }
}
