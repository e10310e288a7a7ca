// Talk to a test daemon through the same typed client the CLI uses.

import { DaemonClient } from '../../src/cli/daemon-client.js';
import { resolvePaths } from '../../src/config/paths.js';
import type { RequestOf, ResponseOf, UnaryType } from '../../src/protocol/messages.js';

export async function request<K extends UnaryType>(
  env: NodeJS.ProcessEnv,
  req: RequestOf<K>,
): Promise<ResponseOf[K]> {
  const client = await DaemonClient.connect(resolvePaths(env), { autoStart: true });
  try {
    return await client.request(req);
  } finally {
    client.close();
  }
}

export async function listApps(env: NodeJS.ProcessEnv): Promise<ResponseOf['list']> {
  return request(env, { type: 'list' });
}
