// What the user chose in `pm top` (selection, filter, open pane), held in a ref as well as in
// React state: keys that arrive in one chunk ("jjj", "/web") are handled before React renders
// again, so each must see the effect of the one before it.
import { useCallback, useRef, useState } from 'react';
import type { ProcessInfo } from '../protocol/process-info.js';
import { instanceLabel } from './actions.js';

export type Pane = { kind: 'logs'; id: number } | { kind: 'events' } | null;

export interface ViewState {
  selectedId: number | null;
  filter: string;
  /** True while the filter is being typed. */
  typing: boolean;
  pane: Pane;
}

export const INITIAL_VIEW: ViewState = { selectedId: null, filter: '', typing: false, pane: null };

/** The rows that pass the filter (a substring of name:index). */
export function visibleRows(processes: ProcessInfo[], filter: string): ProcessInfo[] {
  return filter ? processes.filter((p) => instanceLabel(p).includes(filter)) : processes;
}

/** The selected row's position; the first row when the selected instance is gone or filtered out. */
export function selectedIndex(rows: ProcessInfo[], selectedId: number | null): number {
  return Math.max(
    0,
    rows.findIndex((p) => p.id === selectedId),
  );
}

/** The selection after moving `delta` rows (±Infinity: first or last), kept within the rows. */
export function moveSelection(rows: ProcessInfo[], selectedId: number | null, delta: number): number | null {
  const index = Math.max(0, Math.min(rows.length - 1, selectedIndex(rows, selectedId) + delta));
  return rows[index]?.id ?? null;
}

export function useViewState(): {
  view: ViewState;
  /** Applies a change to the latest view (not this render's) and returns the result. */
  update: (change: (view: ViewState) => ViewState) => ViewState;
  latest: () => ViewState;
} {
  const [view, setView] = useState(INITIAL_VIEW);
  const ref = useRef(INITIAL_VIEW);
  const update = useCallback((change: (view: ViewState) => ViewState) => {
    ref.current = change(ref.current);
    setView(ref.current);
    return ref.current;
  }, []);
  const latest = useCallback(() => ref.current, []);
  return { view, update, latest };
}
