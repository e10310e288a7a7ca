// `apply` in as many requests as the daemon's frame limit needs (450 apps that each carry the
// 4.5 KB environment of the shell that defined them are 2 MB, and a frame is at most 1 MiB), and
// smaller ones still, so that the daemon never decodes much in one turn of its event loop.
import type { AppSpec } from '../protocol/app-spec.js';
import type { DaemonSettingsChange } from '../protocol/daemon-settings.js';
import { PmError } from '../protocol/errors.js';
import { encodeFrame, MAX_FRAME_BYTES } from '../protocol/framing.js';
import type { ApplyReply, ReloadRequest } from '../protocol/messages.js';
import type { DaemonClient } from './daemon-client.js';
import { formatBytes } from './output/format.js';

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/** Apps go in batches of about this much: the daemon decodes and checks a frame in one turn of its
 * event loop, 20-30 ms for 1 MiB of apps; an app larger than this still goes, alone. */
export const BATCH_BYTES = 256 * 1024;

function tooLarge(spec: AppSpec, bytes: number, maxFrameBytes: number): PmError {
  const envBytes = jsonBytes(spec.baseEnv) + jsonBytes(spec.env);
  return new PmError(
    'bad-request',
    `app "${spec.name}": its definition is ${formatBytes(bytes)}, over the ${maxFrameBytes / 1024 / 1024} MiB a request to the daemon may carry; ` +
      `${formatBytes(envBytes)} of it is its environment (the shell's, and --env): start it from a smaller one, e.g. with \`env -i PATH="$PATH" pm start ...\``,
  );
}

/**
 * The apps in batches of about `batchBytes` whose `apply` frames fit the limit, in their order. Two
 * definitions of one name become the last one, as in a single request, so that no batch applies one
 * the next undoes.
 */
export function batchApps(
  apps: AppSpec[],
  settings: DaemonSettingsChange | undefined,
  maxFrameBytes = MAX_FRAME_BYTES,
  batchBytes = Math.min(BATCH_BYTES, maxFrameBytes),
): AppSpec[][] {
  const envelope = Buffer.byteLength(
    encodeFrame({ type: 'apply', apps: [], ...(settings && { settings }), id: Number.MAX_SAFE_INTEGER }),
  );
  const batches: AppSpec[][] = [];
  let batch: AppSpec[] = [];
  let bytes = envelope;
  for (const spec of new Map(apps.map((app) => [app.name, app])).values()) {
    const specBytes = jsonBytes(spec);
    if (envelope + specBytes > maxFrameBytes) throw tooLarge(spec, envelope + specBytes, maxFrameBytes);
    // A comma before every app but a batch's first.
    if (batch.length > 0 && bytes + 1 + specBytes > batchBytes) {
      batches.push(batch);
      batch = [];
      bytes = envelope;
    }
    bytes += (batch.length > 0 ? 1 : 0) + specBytes;
    batch.push(spec);
  }
  if (batch.length > 0 || batches.length === 0) batches.push(batch);
  return batches;
}

/**
 * Applies the apps (and the daemon settings, with the first batch: a port that cannot be served
 * refuses everything) in as few requests as fit; with `reload`, changed apps are reloaded, not restarted. The first batch is answered before the rest are
 * sent, together: a definition the daemon refuses stops the command at once.
 */
export async function applyInBatches(
  client: DaemonClient,
  apps: AppSpec[],
  settings?: DaemonSettingsChange,
  options: { reload?: ReloadRequest; force?: boolean } = {},
): Promise<ApplyReply> {
  const [first, ...rest] = batchApps(apps, settings);
  const flags = {
    ...(options.reload && { reload: options.reload }),
    ...(options.force && { force: true }),
  };
  const reply = await client.request({
    type: 'apply',
    apps: first!,
    ...(settings && { settings }),
    ...flags,
  });
  const more = await Promise.all(
    rest.map((batch) => client.request({ type: 'apply', apps: batch, ...flags })),
  );
  return {
    instances: [...reply.instances, ...more.flatMap((r) => r.instances)],
    changes: [...reply.changes, ...more.flatMap((r) => r.changes)],
  };
}
