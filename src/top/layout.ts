// Sizes of `pm top` for a terminal: column widths (sparklines grow with the width, the name takes
// the rest) and how many rows the table and the pane get. Pure, so 80x24 and resizes are tested.

/** Width of each fixed column, its separating space included. */
export const FIXED_COLUMNS = {
  marker: 2,
  state: 11,
  health: 10,
  pid: 8,
  cpu: 6,
  memory: 8,
  uptime: 5,
  restarts: 4,
} as const;

const FIXED_WIDTH = Object.values(FIXED_COLUMNS).reduce((a, b) => a + b, 0);
const NAME_MIN = 12;
const SPARK_MIN = 4;
const SPARK_MAX = 24;

export interface TableLayout {
  nameWidth: number;
  /** Width of each sparkline; 0 hides them (a very narrow terminal). */
  sparkWidth: number;
}

export function tableLayout(columns: number): TableLayout {
  const free = columns - FIXED_WIDTH - NAME_MIN;
  const sparkWidth = free >= 2 * (SPARK_MIN + 1) ? Math.min(SPARK_MAX, Math.floor(free / 2) - 1) : 0;
  const nameWidth = Math.max(NAME_MIN, columns - FIXED_WIDTH - (sparkWidth > 0 ? 2 * (sparkWidth + 1) : 0));
  return { nameWidth, sparkWidth };
}

/**
 * Lines outside the table: header (2), column titles (1), status line (1), keys (1), and the last
 * line of the terminal, left empty: a frame as tall as the terminal makes ink clear the whole
 * screen on every update (flicker) instead of redrawing in place.
 */
const CHROME_ROWS = 6;

export interface RowBudget {
  tableRows: number;
  /** Lines of the log or events pane, its title included; 0 when no pane is open. */
  paneRows: number;
}

export function rowBudget(rows: number, paneOpen: boolean): RowBudget {
  const free = Math.max(2, rows - CHROME_ROWS);
  if (!paneOpen) return { tableRows: free, paneRows: 0 };
  const tableRows = Math.max(1, Math.floor(free * 0.4));
  return { tableRows, paneRows: free - tableRows };
}

/** The first visible row: moves only as far as needed to keep the selection in view. */
export function scrollOffset(previous: number, selected: number, visible: number, total: number): number {
  let offset = previous;
  if (selected < offset) offset = selected;
  if (selected >= offset + visible) offset = selected - visible + 1;
  return Math.max(0, Math.min(offset, total - visible));
}
