// `pm top`: the live table of every instance over a ProcessFeed, with keys to act on the selected
// one, a log or events pane, a name filter and a status line for each action's outcome.
import { Box, Text, useApp } from 'ink';
import { useMemo, useRef, useState } from 'react';
import type { PmEvent } from '../protocol/events.js';
import type { LogLine } from '../protocol/log-line.js';
import { type ActionKey, describeResult, instanceLabel, requestFor, toggleLabels } from './actions.js';
import { EventsPane } from './EventsPane.js';
import { Footer, type StatusMessage } from './Footer.js';
import { Header } from './Header.js';
import { LogPane } from './LogPane.js';
import { rowBudget, scrollOffset, tableLayout } from './layout.js';
import { ProcessTable } from './ProcessTable.js';
import type { ProcessFeed } from './process-feed.js';
import { useClock } from './use-clock.js';
import { type Follow, useFollow } from './use-follow.js';
import { useProcessFeed } from './use-process-feed.js';
import { useTerminalSize } from './use-terminal-size.js';
import { useTopKeys } from './use-top-keys.js';
import { moveSelection, selectedIndex, useViewState, visibleRows } from './view-state.js';

export interface TopAppProps {
  feed: ProcessFeed;
  now?: () => number;
}

const KEEP_LINES = 500;

export function TopApp({ feed, now = Date.now }: TopAppProps) {
  const { exit } = useApp();
  const state = useProcessFeed(feed);
  const size = useTerminalSize();
  const time = useClock(now);
  const { view, update, latest } = useViewState();
  const [status, setStatus] = useState<StatusMessage | null>(null);
  const offsetRef = useRef(0);
  const processesRef = useRef(state.processes);
  processesRef.current = state.processes;

  const visible = useMemo(() => visibleRows(state.processes, view.filter), [state.processes, view.filter]);
  const index = selectedIndex(visible, view.selectedId);
  const selected = visible[index];
  const budget = rowBudget(size.rows, view.pane !== null);
  const offset = scrollOffset(offsetRef.current, index, budget.tableRows, visible.length);
  offsetRef.current = offset;

  const pane = view.pane;
  const logInfo = pane?.kind === 'logs' ? state.processes.find((p) => p.id === pane.id) : undefined;
  const logKey = logInfo ? `${logInfo.id}\n${logInfo.outLog}\n${logInfo.errLog}` : null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: follow the same files while the instance changes state
  const followLog = useMemo<Follow<LogLine> | null>(
    () => (logInfo ? (push) => feed.followLog(logInfo, push) : null),
    [feed, logKey],
  );
  const followEvents = useMemo<Follow<PmEvent> | null>(
    () => (pane?.kind === 'events' ? (push) => feed.followEvents(push) : null),
    [feed, pane?.kind],
  );
  const logLines = useFollow(followLog, KEEP_LINES);
  const events = useFollow(followEvents, KEEP_LINES);

  /** The selected instance as of the latest key, not of this render. */
  const selectedNow = () => {
    const { filter, selectedId } = latest();
    const rows = visibleRows(processesRef.current, filter);
    return rows[selectedIndex(rows, selectedId)];
  };

  const act = (key: ActionKey) => {
    const subject = selectedNow();
    if (!subject) return setStatus({ text: 'no instance selected', tone: 'error' });
    const request = requestFor(key, subject);
    if ('refused' in request) return setStatus({ text: request.refused, tone: 'error' });
    const what = `${request.type} ${request.type === 'scale' ? request.name : instanceLabel(subject)}`;
    setStatus({ text: `${what}…`, tone: 'busy' });
    feed.control(request).then(
      (infos) =>
        setStatus({
          text: describeResult(request, subject, infos),
          tone: infos.some((p) => p.status === 'errored') ? 'error' : 'ok',
        }),
      (error: Error) => setStatus({ text: `${what} failed: ${error.message}`, tone: 'error' }),
    );
  };

  useTopKeys({
    isTyping: () => latest().typing,
    typeFilter: (text) => update((v) => ({ ...v, filter: v.filter + text })),
    eraseFilter: () => update((v) => ({ ...v, filter: v.filter.slice(0, -1) })),
    endTyping: (keep) => update((v) => ({ ...v, typing: false, filter: keep ? v.filter : '' })),
    startTyping: () => update((v) => ({ ...v, typing: true })),
    quit: exit,
    move: (delta) =>
      update((v) => ({
        ...v,
        selectedId: moveSelection(visibleRows(processesRef.current, v.filter), v.selectedId, delta),
      })),
    page: budget.tableRows,
    toggleLogs: () => {
      const subject = selectedNow();
      update((v) => ({
        ...v,
        pane: v.pane?.kind === 'logs' || !subject ? null : { kind: 'logs', id: subject.id },
      }));
    },
    toggleEvents: () =>
      update((v) => ({ ...v, pane: v.pane?.kind === 'events' ? null : { kind: 'events' } })),
    escape: () => update((v) => (v.pane ? { ...v, pane: null } : { ...v, filter: '' })),
    act,
  });

  const rows = visible.slice(offset, offset + budget.tableRows);
  const scroll =
    visible.length > budget.tableRows
      ? { first: offset + 1, last: offset + rows.length, of: visible.length }
      : null;
  return (
    <Box flexDirection="column" width={size.columns}>
      <Header
        processes={state.processes}
        daemon={state.daemon}
        filter={view.filter}
        scroll={scroll}
        now={time}
      />
      <Box flexDirection="column" height={budget.tableRows + 1}>
        <ProcessTable
          rows={rows}
          selectedId={selected?.id ?? null}
          trails={state.trails}
          layout={tableLayout(size.columns)}
          now={time}
        />
        {visible.length === 0 && (
          <Text dimColor>
            {!state.ready
              ? 'waiting for the daemon…'
              : view.filter
                ? `no instance matches "${view.filter}"`
                : 'no processes: start one with `pm start <script|command>`'}
          </Text>
        )}
      </Box>
      {pane?.kind === 'logs' && (
        <LogPane
          title={logInfo ? instanceLabel(logInfo) : `(instance ${pane.id} is gone)`}
          lines={logLines}
          rows={budget.paneRows}
        />
      )}
      {pane?.kind === 'events' && <EventsPane events={events} rows={budget.paneRows} />}
      <Footer
        status={state.error ? { text: `lost the daemon: ${state.error}`, tone: 'error' } : status}
        filterInput={view.typing ? view.filter : null}
        labels={toggleLabels(selected)}
        columns={size.columns}
      />
    </Box>
  );
}
