// What a probe run reports, and the shape every probe kind shares.
import type { ProbeCheck } from '../protocol/app-spec.js';

export type ProbeResult = { ok: true } | { ok: false; reason: string };

/** Where an exec probe runs: the instance's directory, environment and user. */
export interface ProbeContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The app's `user:`/`group:`: a probe never runs with more rights than the app. */
  runAs?: { uid: number; gid: number } | undefined;
}

/** One probe kind: resolves once it knows, and releases everything it holds when `signal` aborts. */
export type Probe<C extends ProbeCheck> = (
  check: C,
  context: ProbeContext,
  signal: AbortSignal,
) => Promise<ProbeResult>;

/** A probe run bounded by its timeout; the health checker's only dependency on the network and processes. */
export type RunProbe = (
  check: ProbeCheck,
  timeoutMs: number,
  context: ProbeContext,
  signal: AbortSignal,
) => Promise<ProbeResult>;

/** The check in a few words, for events: `http GET http://127.0.0.1:3000/health`. */
export function describeCheck(check: ProbeCheck): string {
  switch (check.type) {
    case 'http':
      return `http GET ${check.url}`;
    case 'tcp':
      return `tcp ${check.host}:${check.port}`;
    case 'exec':
      return `exec "${check.command}"`;
  }
}
