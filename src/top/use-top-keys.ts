// The keys of `pm top`. While the filter is being typed, keys edit it; otherwise they move the
// selection, open panes, act on the selected instance, or quit.
import { type Key, useInput } from 'ink';
import { useRef } from 'react';
import type { ActionKey } from './actions.js';

export interface TopKeyHandlers {
  /** Read at each key, so that "/web" in one chunk types "web". */
  isTyping: () => boolean;
  typeFilter: (text: string) => void;
  eraseFilter: () => void;
  /** Enter keeps the filter, escape clears it. */
  endTyping: (keep: boolean) => void;
  startTyping: () => void;
  quit: () => void;
  move: (delta: number) => void;
  /** Rows per PgUp/PgDn. */
  page: number;
  toggleLogs: () => void;
  toggleEvents: () => void;
  escape: () => void;
  act: (key: ActionKey) => void;
}

const ACTION_KEYS = new Set<string>(['r', 's', 'p', '+', '-']);

/** Bindings of single keys outside filter typing. */
function binding(h: TopKeyHandlers, input: string, key: Key): (() => void) | undefined {
  if (input === 'q') return h.quit;
  if (key.upArrow || input === 'k') return () => h.move(-1);
  if (key.downArrow || input === 'j') return () => h.move(1);
  if (key.pageUp) return () => h.move(-h.page);
  if (key.pageDown) return () => h.move(h.page);
  if (key.home || input === 'g') return () => h.move(Number.NEGATIVE_INFINITY);
  if (key.end || input === 'G') return () => h.move(Number.POSITIVE_INFINITY);
  if (key.escape) return h.escape;
  if (input === '/') return h.startTyping;
  if (input === 'l') return h.toggleLogs;
  if (input === 'e') return h.toggleEvents;
  if (ACTION_KEYS.has(input)) return () => h.act(input as ActionKey);
  return undefined;
}

function onKey(h: TopKeyHandlers, input: string, key: Key): void {
  if (!h.isTyping()) {
    binding(h, input, key)?.();
    return;
  }
  if (key.return) h.endTyping(true);
  else if (key.escape) h.endTyping(false);
  else if (key.backspace || key.delete) h.eraseFilter();
  else if (input && !key.ctrl && !key.meta && !/[\x00-\x1f\x7f]/.test(input)) h.typeFilter(input);
}

export function useTopKeys(handlers: TopKeyHandlers): void {
  // ink binds a new handler only once the render's effects have run: read the latest through a ref.
  const latest = useRef(handlers);
  latest.current = handlers;
  useInput((input, key) => {
    const h = latest.current;
    if (key.ctrl && input === 'c') return h.quit();
    // Keys typed quickly (or held down) arrive as one chunk: "jjj" is three moves, "/web\r" a filter.
    if (input.length <= 1 || key.ctrl || key.meta) return onKey(h, input, key);
    for (const char of input)
      onKey(h, char, {
        ...key,
        return: char === '\r' || char === '\n',
        backspace: char === '\x7f' || char === '\b',
      });
  });
}
