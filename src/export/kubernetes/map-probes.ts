// Health probes as the container's liveness/readiness/startup probes. pm probes from the host, a
// kubelet probes the pod: a check of another host has no equivalent and is reported.
import type { ProbeCheck, ProbeSpec } from '../../protocol/app-spec.js';
import type { Container, Mapped, Probe } from './manifest.js';
import { toSeconds } from './quantities.js';

type ProbeField = 'livenessProbe' | 'readinessProbe' | 'startupProbe';
type ProbeAction = Pick<Probe, 'httpGet' | 'tcpSocket' | 'exec'>;

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]', '0.0.0.0']);

function toAction(check: ProbeCheck, where: string, report: string[]): ProbeAction {
  if (check.type === 'exec') return { exec: { command: ['sh', '-c', check.command] } };
  if (check.type === 'tcp') {
    if (!LOCAL_HOSTS.has(check.host))
      report.push(
        `${where}: probes ${check.host}; a kubelet probes the pod itself (checked port ${check.port})`,
      );
    return { tcpSocket: { port: check.port } };
  }
  const url = new URL(check.url);
  const https = url.protocol === 'https:';
  if (!LOCAL_HOSTS.has(url.hostname))
    report.push(`${where}: probes ${url.host}; a kubelet probes the pod itself (checked ${url.pathname})`);
  const port = url.port === '' ? (https ? 443 : 80) : Number(url.port);
  return { httpGet: { path: `${url.pathname}${url.search}`, port, scheme: https ? 'HTTPS' : 'HTTP' } };
}

function toProbe(spec: ProbeSpec, where: string, report: string[]): Probe {
  const periodSeconds = toSeconds(spec.intervalMs, 1);
  const timeoutSeconds = toSeconds(spec.timeoutMs, 1);
  if (spec.intervalMs % 1000 !== 0 || spec.timeoutMs % 1000 !== 0)
    report.push(
      `${where}: interval ${spec.intervalMs}ms, timeout ${spec.timeoutMs}ms: Kubernetes counts whole seconds (${periodSeconds}s, ${timeoutSeconds}s)`,
    );
  let successThreshold = spec.successThreshold;
  if (spec.kind !== 'readiness' && successThreshold !== 1) {
    report.push(`${where}: success_threshold ${successThreshold}: must be 1 for a ${spec.kind} probe`);
    successThreshold = 1;
  }
  const initialDelaySeconds = toSeconds(spec.startPeriodMs);
  return {
    ...toAction(spec.check, where, report),
    periodSeconds,
    timeoutSeconds,
    failureThreshold: spec.failureThreshold,
    successThreshold,
    ...(initialDelaySeconds > 0 ? { initialDelaySeconds } : {}),
  };
}

// Kubernetes has one probe of each kind per container: the first one of a kind wins.
export function mapProbes(app: string, health: ProbeSpec[]): Mapped<Pick<Container, ProbeField>> {
  const value: Pick<Container, ProbeField> = {};
  const report: string[] = [];
  health.forEach((spec, index) => {
    const where = `${app}: health[${index}]`;
    const field: ProbeField = `${spec.kind}Probe`;
    if (value[field]) report.push(`${where}: a second ${spec.kind} probe; a container has one, left out`);
    else value[field] = toProbe(spec, where, report);
  });
  return { value, report };
}
