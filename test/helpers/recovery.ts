// Helpers of the recovery tests: free ports, the event log, numbered output.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { PmEvent } from '../../src/protocol/events.js';

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Every event recorded so far in $PM_HOME/events.log, oldest first, optionally of one app. */
export function readEvents(home: string, app?: string): PmEvent[] {
  let text = '';
  try {
    text = fs.readFileSync(path.join(home, 'events.log'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as PmEvent)
    .filter((event) => app === undefined || event.app === app);
}

/** The numbers of a log of increasing numbers, one per line (a timestamp prefix is skipped). */
export function readNumbers(file: string): number[] {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => Number(line.trim().split(/\s+/).pop()));
}

/** Where a sequence that should count up by one breaks: gaps and repeats, as text. */
export function sequenceFaults(numbers: number[]): string[] {
  const faults: string[] = [];
  numbers.forEach((n, i) => {
    if (i === 0 && n !== 0) faults.push(`starts at ${n}`);
    if (i > 0 && n !== numbers[i - 1]! + 1) faults.push(`${numbers[i - 1]} then ${n}`);
  });
  return faults;
}
