// Runs one probe within its timeout: at the deadline the probe is aborted (sockets closed, an exec
// probe's process group killed) and the run fails, so no probe outlives its timeout.
import type { ProbeCheck } from '../protocol/app-spec.js';
import type { ProbeContext, ProbeResult, RunProbe } from './probe.js';
import { probeExec } from './probes/exec.js';
import { probeHttp } from './probes/http.js';
import { probeTcp } from './probes/tcp.js';

function start(check: ProbeCheck, context: ProbeContext, signal: AbortSignal): Promise<ProbeResult> {
  switch (check.type) {
    case 'http':
      return probeHttp(check, context, signal);
    case 'tcp':
      return probeTcp(check, context, signal);
    case 'exec':
      return probeExec(check, context, signal);
  }
}

export const runProbe: RunProbe = async (check, timeoutMs, context, signal) => {
  const controller = new AbortController();
  const abort = () => controller.abort();
  signal.addEventListener('abort', abort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<ProbeResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: `timed out after ${timeoutMs} ms` }), timeoutMs);
  });
  // A probe that throws (a spawn refused, a malformed URL) fails like any other.
  const probing = Promise.resolve()
    .then(() => start(check, context, controller.signal))
    .catch((error: Error): ProbeResult => ({ ok: false, reason: error.message }));
  try {
    return await Promise.race([probing, timedOut]);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', abort);
    controller.abort();
  }
};
