// Run a shell command per alert: the event in PM_EVENT_* variables and as JSON on stdin. The
// command runs in its own process group, killed as a whole when it overruns its timeout.
import { spawn } from 'node:child_process';
import type { PmEvent } from '../protocol/events.js';
import type { AlertSink } from './alert-sink.js';

const STDERR_KEEP_BYTES = 2048;

/** PM_EVENT_TYPE, _SEVERITY, _MESSAGE, _TS, _APP, _INDEX, _ID, _DATA (JSON) and one PM_EVENT_DATA_<KEY> each. */
export function eventEnv(event: PmEvent): Record<string, string> {
  const env: Record<string, string> = {
    PM_EVENT_TYPE: event.type,
    PM_EVENT_SEVERITY: event.severity,
    PM_EVENT_MESSAGE: event.message,
    PM_EVENT_TS: String(event.ts),
    PM_EVENT_TIME: new Date(event.ts).toISOString(),
  };
  if (event.app !== undefined) env.PM_EVENT_APP = event.app;
  if (event.index !== undefined) env.PM_EVENT_INDEX = String(event.index);
  if (event.id !== undefined) env.PM_EVENT_ID = String(event.id);
  if (event.data) {
    env.PM_EVENT_DATA = JSON.stringify(event.data);
    for (const [key, value] of Object.entries(event.data)) {
      const name = key
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .replace(/[^A-Za-z0-9]/g, '_')
        .toUpperCase();
      env[`PM_EVENT_DATA_${name}`] = value === null ? '' : String(value);
    }
  }
  return env;
}

export function createCommandSink(
  command: string,
  options: { timeoutMs: number } = { timeoutMs: 10_000 },
): AlertSink {
  return {
    key: `command:${command}`,
    label: `command \`${command}\``,
    send(event: PmEvent) {
      return new Promise((resolve, reject) => {
        const child = spawn('/bin/sh', ['-c', command], {
          env: { ...process.env, ...eventEnv(event) },
          stdio: ['pipe', 'ignore', 'pipe'],
          detached: true,
        });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => {
          stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEEP_BYTES);
        });
        const timer = setTimeout(() => {
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            // already gone
          }
        }, options.timeoutMs);
        child.once('error', (error) => {
          clearTimeout(timer);
          reject(new Error(`cannot run: ${error.message}`));
        });
        child.once('close', (code, signal) => {
          clearTimeout(timer);
          if (code === 0) return resolve();
          const how = signal
            ? `killed by ${signal}${signal === 'SIGKILL' ? ` after ${options.timeoutMs} ms` : ''}`
            : `exited with code ${code}`;
          const detail = stderr.trim().split('\n').pop();
          reject(new Error(detail ? `${how}: ${detail}` : how));
        });
        // A command that does not read stdin closes it early: that is not a failure.
        child.stdin.on('error', () => {});
        child.stdin.end(`${JSON.stringify(event)}\n`);
      });
    },
  };
}
