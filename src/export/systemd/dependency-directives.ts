// depends_on: After= orders the start, Requires= (or Wants=) pulls the dependency in. systemd
// orders on a unit being started, or for a oneshot task on its having exited, never on health.
import type { AppSpec, Dependency } from '../../protocol/app-spec.js';
import type { UnitBuilder } from './unit-builder.js';
import { runningUnits } from './unit-names.js';

function comment(dependency: Dependency, target: AppSpec | undefined): string | null {
  const isTask = target?.type === 'task';
  switch (dependency.condition) {
    case 'healthy':
      return `# depends_on ${dependency.app}: healthy: systemd waits for it to start, not to be healthy.`;
    case 'completed_successfully':
      return isTask
        ? `# depends_on ${dependency.app}: a oneshot: After= waits for its exit, Requires= for exit 0.`
        : null;
    case 'completed':
      return isTask
        ? `# depends_on ${dependency.app}: completed: Wants= starts this one whatever its exit.`
        : null;
    default:
      return null;
  }
}

export function addDependencyDirectives(spec: AppSpec, apps: readonly AppSpec[], out: UnitBuilder): void {
  for (const dependency of spec.dependsOn ?? []) {
    const target = apps.find((app) => app.name === dependency.app);
    const units = runningUnits(target ?? { name: dependency.app, instances: 1 }).join(' ');
    const line = comment(dependency, target);
    if (line) out.unit.push(line);
    out.unit.push(
      `After=${units}`,
      `${dependency.condition === 'completed' ? 'Wants' : 'Requires'}=${units}`,
    );
    // restart: pm restarts this app after a crash restart of the dependency; PartOf= carries stops and
    // restarts done with systemctl, not systemd's own restarts after a crash.
    if (dependency.restart) out.unit.push(`PartOf=${units}`);
    if (dependency.condition === 'healthy') {
      out.report(
        `depends_on.${dependency.app}`,
        'healthy: systemd orders on start, not on health (After= only)',
      );
    } else if (dependency.condition !== 'started' && target?.type !== 'task') {
      out.report(
        `depends_on.${dependency.app}`,
        `${dependency.condition} on a service: After= waits for its start only`,
      );
    }
    if (dependency.restart) {
      out.report(
        `depends_on.${dependency.app}.restart`,
        'PartOf= restarts this unit with `systemctl restart`, not when systemd restarts the dependency after a crash',
      );
    }
  }
}
