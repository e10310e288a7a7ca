// Limits and identity: MemoryMax=, CPUQuota=, TasksMax=, User=/Group=, UMask=, Limit*=.
import { systemUserDb, type UserDb } from '../../config/app-spec/user-db.js';
import type { AppSpec, RlimitsSpec } from '../../protocol/app-spec.js';
import type { UnitBuilder } from './unit-builder.js';

const RLIMITS: Record<keyof RlimitsSpec, string> = {
  nofile: 'LimitNOFILE',
  nproc: 'LimitNPROC',
  core: 'LimitCORE',
  memlock: 'LimitMEMLOCK',
};

function addLimits(spec: AppSpec, out: UnitBuilder): void {
  const { limits } = spec;
  if (limits.hardMemoryBytes !== undefined) out.service.push(`MemoryMax=${limits.hardMemoryBytes}`);
  if (limits.cpu !== undefined) out.service.push(`CPUQuota=${Math.max(1, Math.round(limits.cpu * 100))}%`);
  if (limits.maxProcs !== undefined) out.service.push(`TasksMax=${limits.maxProcs}`);
  if (limits.bestEffort)
    out.service.push(
      '# limits.best_effort: systemd applies the limits the host supports and ignores the rest.',
    );
  if (limits.maxMemoryBytes !== undefined) {
    out.report(
      'limits.max_memory',
      `no equivalent of a graceful restart past ${limits.maxMemoryBytes} bytes: MemoryMax= kills (hard_memory), MemoryHigh= throttles`,
    );
  }
  if (limits.maxFds !== undefined) {
    out.report(
      'limits.max_fds',
      'no equivalent of an alert on open files: LimitNOFILE= (rlimits.nofile) caps them',
    );
  }
}

function addIdentity(spec: AppSpec, out: UnitBuilder, users: UserDb): void {
  if (spec.runAs) {
    const group = users.findGroup(spec.runAs.gid)?.name ?? String(spec.runAs.gid);
    if (out.user) {
      out.report('user', `user units run as their owner: User=${spec.runAs.user} Group=${group} left out`);
    } else {
      out.service.push(`User=${spec.runAs.user}`, `Group=${group}`);
    }
  }
  if (spec.umask !== undefined) out.service.push(`UMask=${spec.umask.toString(8).padStart(4, '0')}`);
  for (const [key, directive] of Object.entries(RLIMITS) as [keyof RlimitsSpec, string][]) {
    const value = spec.rlimits?.[key];
    if (value !== undefined) out.service.push(`${directive}=${value}`);
  }
}

export function addResourceDirectives(spec: AppSpec, out: UnitBuilder, users: UserDb = systemUserDb): void {
  addLimits(spec, out);
  addIdentity(spec, out, users);
}
