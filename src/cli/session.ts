// Run one command against the daemon: connect (auto-starting it), act, always disconnect.
import fs from 'node:fs';
import { checkHome } from '../config/home.js';
import { resolvePaths } from '../config/paths.js';
import { escapeText } from '../protocol/escape-text.js';
import { DaemonClient } from './daemon-client.js';

export async function withDaemon<T>(
  action: (client: DaemonClient) => Promise<T>,
  options: { autoStart: boolean } = { autoStart: true },
): Promise<T> {
  const paths = resolvePaths();
  // Every command, not only the one that starts the daemon: whoever can write to the home can put
  // their own socket there and receive our requests (with the environment that `start` sends).
  if (fs.existsSync(paths.home)) checkHome(paths.home);
  const client = await DaemonClient.connect(paths, options);
  try {
    return await action(client);
  } finally {
    client.close();
    printNotices(client.notices);
  }
}

/** What the daemon had to tell the next command (see daemon/notices.ts), once it is done. */
export function printNotices(notices: readonly string[]): void {
  for (const notice of notices) process.stderr.write(`pm: warning: ${escapeText(notice)}\n`);
}

/** Set by a command whose work succeeded only in part (e.g. an instance errored): exit code 1. */
export function failCommand(message: string): void {
  process.stderr.write(`pm: ${escapeText(message, '\n')}\n`);
  process.exitCode = 1;
}
