// limits: as the container's resources. pm's pool target is a percent of one core, an HPA's of the
// cpu request: a pooled app without limits.cpu requests one core so that the two percents agree.
import type { AppSpec } from '../../protocol/app-spec.js';
import type { Container, Mapped } from './manifest.js';
import { toCpuQuantity, toMemoryQuantity } from './quantities.js';

export function mapResources(spec: AppSpec): Mapped<Container['resources']> {
  const { limits } = spec;
  const report: string[] = [];
  const hard: Record<string, string> = {};
  if (limits.hardMemoryBytes !== undefined) hard.memory = toMemoryQuantity(limits.hardMemoryBytes);
  if (limits.cpu !== undefined) hard.cpu = toCpuQuantity(limits.cpu);
  // Requests default to the limits; set them anyway, so the HPA's base is written down.
  const requests = { ...hard };
  if (spec.pool && limits.cpu === undefined) requests.cpu = '1';
  if (limits.maxMemoryBytes !== undefined)
    report.push(
      `${spec.name}: limits.max_memory: no equivalent (a restart past a threshold); use limits.hard_memory, which becomes resources.limits.memory`,
    );
  if (limits.maxProcs !== undefined)
    report.push(`${spec.name}: limits.max_procs: no equivalent per pod (a node's kubelet sets podPidsLimit)`);
  if (limits.maxFds !== undefined) report.push(`${spec.name}: limits.max_fds: no equivalent (an alert)`);
  if (limits.bestEffort)
    report.push(`${spec.name}: limits.best_effort: no equivalent; Kubernetes enforces limits`);
  const value =
    Object.keys(requests).length === 0
      ? undefined
      : { ...(Object.keys(hard).length > 0 ? { limits: hard } : {}), requests };
  return { value, report };
}
