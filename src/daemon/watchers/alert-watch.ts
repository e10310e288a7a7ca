// Alert delivery for the daemon: each alert-severity event goes to the sinks of the apps it names
// (a daemon-wide one to every app's), as the pool defines them when the event comes.
import { AlertDispatcher } from '../../alerts/alert-dispatcher.js';
import type { EventLog } from '../../logs/event-log.js';
import type { AlertingSpec } from '../../protocol/app-spec.js';
import type { PmEvent } from '../../protocol/events.js';
import type { ProcessPool } from '../../supervisor/process-pool.js';

/** Not started: the daemon's service list starts it, before the pool. */
export function createAlerts(pool: ProcessPool, events: EventLog): AlertDispatcher {
  const alertingFor = (event: PmEvent): AlertingSpec[] => {
    const specs = new Set<AlertingSpec>();
    for (const proc of pool.all()) {
      const alerting = proc.spec.monitoring.alerting;
      if (alerting && (event.app === undefined || proc.name === event.app)) specs.add(alerting);
    }
    return [...specs];
  };
  return new AlertDispatcher({ events, alertingFor });
}
