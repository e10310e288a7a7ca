// Reads a pool's queue length: runs the command (in the app's directory, environment and user) or
// GETs the URL, and takes the one number it prints. The output is capped and parsed here with a
// fixed pattern: the daemon never runs a user's regex, and never reads an unbounded body.
import { spawn } from 'node:child_process';
import type { QueueCheck, QueueSpec } from '../protocol/app-spec.js';
import type { ProbeContext } from './probe.js';

/** A number is a few bytes; more than this is not the output of a queue probe. */
export const MAX_QUEUE_OUTPUT_BYTES = 4096;
/** The timeout when none is given: the interval, at most this. */
const MAX_DEFAULT_QUEUE_TIMEOUT_MS = 5_000;

export type QueueProbeResult = { ok: true; value: number } | { ok: false; reason: string };

export const queueTimeoutMs = (queue: QueueSpec): number =>
  queue.timeoutMs ?? Math.min(queue.intervalMs, MAX_DEFAULT_QUEUE_TIMEOUT_MS);

const NUMBER = /^\s*(\d+(?:\.\d+)?)\s*$/;

/** The one non-negative number of the output (spaces and a trailing newline allowed), or why not. */
export function parseQueueLength(output: string): QueueProbeResult {
  const match = NUMBER.exec(output);
  const value = match ? Number(match[1]) : Number.NaN;
  if (Number.isFinite(value) && value <= Number.MAX_SAFE_INTEGER) return { ok: true, value };
  const shown = output.trim().slice(0, 40).replace(/\s+/g, ' ');
  return { ok: false, reason: shown === '' ? 'printed nothing' : `printed "${shown}", not one number` };
}

/** How to fix a failing probe, for its scaling-error message. */
export function queueProbeHint(check: QueueCheck): string {
  return check.type === 'exec'
    ? `check that \`${check.command}\` prints one number`
    : `check that GET ${check.url} answers 2xx with one number`;
}

function readExec(command: string, context: ProbeContext, signal: AbortSignal): Promise<QueueProbeResult> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], {
      cwd: context.cwd,
      env: context.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
      ...(context.runAs && { uid: context.runAs.uid, gid: context.runAs.gid }),
    });
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group is gone already
      }
    };
    let output = '';
    let tooLong = false;
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      output += chunk;
      if (output.length > MAX_QUEUE_OUTPUT_BYTES) {
        tooLong = true;
        killGroup();
      }
    });
    signal.addEventListener('abort', killGroup, { once: true });
    child.once('error', (error) => resolve({ ok: false, reason: error.message }));
    child.once('close', (code, exitSignal) => {
      killGroup();
      signal.removeEventListener('abort', killGroup);
      if (tooLong) resolve({ ok: false, reason: `printed more than ${MAX_QUEUE_OUTPUT_BYTES} bytes` });
      else if (code === 0) resolve(parseQueueLength(output));
      else
        resolve({ ok: false, reason: exitSignal ? `killed by ${exitSignal}` : `exited with code ${code}` });
    });
  });
}

async function readHttp(url: string, signal: AbortSignal): Promise<QueueProbeResult> {
  // node:http never follows a redirect: a 3xx is an answer without the number, so an error.
  const client = url.startsWith('https:') ? await import('node:https') : await import('node:http');
  return new Promise((resolve) => {
    const request = client.get(url, { agent: false, signal }, (response) => {
      const status = response.statusCode ?? 0;
      if (status < 200 || status >= 300) {
        response.resume();
        resolve({ ok: false, reason: `HTTP ${status}` });
        request.destroy();
        return;
      }
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > MAX_QUEUE_OUTPUT_BYTES) {
          resolve({ ok: false, reason: `answered more than ${MAX_QUEUE_OUTPUT_BYTES} bytes` });
          request.destroy();
        }
      });
      response.on('end', () => resolve(parseQueueLength(body)));
      response.on('error', (error) => resolve({ ok: false, reason: error.message }));
    });
    request.on('error', (error) => resolve({ ok: false, reason: error.message }));
  });
}

/** One reading within the timeout: at the deadline the command's group is killed, the socket closed. */
export async function probeQueue(
  queue: QueueSpec,
  context: ProbeContext,
  signal: AbortSignal,
): Promise<QueueProbeResult> {
  const timeoutMs = queueTimeoutMs(queue);
  const controller = new AbortController();
  const abort = () => controller.abort();
  signal.addEventListener('abort', abort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<QueueProbeResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: `timed out after ${timeoutMs} ms` }), timeoutMs);
  });
  const { check } = queue;
  const reading = Promise.resolve()
    .then(() =>
      check.type === 'exec'
        ? readExec(check.command, context, controller.signal)
        : readHttp(check.url, controller.signal),
    )
    .catch((error: Error): QueueProbeResult => ({ ok: false, reason: error.message }));
  try {
    return await Promise.race([reading, timedOut]);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', abort);
    controller.abort();
  }
}
