// `pm top` without a terminal (a pipe, a CI log) or with --once: the header and one table, then exit.

import type { DaemonClient } from '../cli/daemon-client.js';
import { colorEnabled } from '../cli/output/colors.js';
import { renderTable } from '../cli/output/table.js';
import { withDaemon } from '../cli/session.js';
import type { WatchEvent } from '../protocol/monitoring.js';
import { countsText, daemonText, totalsOf, totalsText } from './summary.js';

type Snapshot = Extract<WatchEvent, { type: 'snapshot' }>;

/** The first item of the watch stream is the snapshot; the connection is closed right after. */
function firstSnapshot(client: DaemonClient): Promise<Snapshot> {
  return new Promise((resolve, reject) => {
    client
      .stream({ type: 'watch' }, (event) => {
        if (event.type === 'snapshot') resolve(event);
      })
      .then(() => reject(new Error('the daemon ended the watch stream before its snapshot')), reject);
  });
}

export async function printSnapshot(now = Date.now()): Promise<void> {
  const snapshot = await withDaemon(firstSnapshot);
  const totals = totalsOf(snapshot.processes);
  process.stdout.write(
    [
      `pm top · ${countsText(totals)} · ${totalsText(totals)}`,
      daemonText(snapshot.daemon, now),
      renderTable(snapshot.processes, { color: colorEnabled(), now }),
      '',
    ].join('\n'),
  );
}
