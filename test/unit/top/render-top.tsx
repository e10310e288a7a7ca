// Renders TopApp into ink-testing-library's fake terminal at a given size, and waits for frames.
import { render } from 'ink-testing-library';
import { TopApp } from '../../../src/top/TopApp.js';
import { waitFor } from '../../helpers/wait-for.js';
import type { FakeFeed } from './fake-feed.js';

const ANSI = /\x1b\[[0-9;]*m/g;

export interface RenderedTop {
  frame: () => string;
  /** Waits until the last frame satisfies the check; returns that frame. */
  waitForFrame: (check: (frame: string) => boolean, message?: string) => Promise<string>;
  press: (keys: string) => void;
  resize: (columns: number, rows: number) => void;
  unmount: () => void;
}

export const KEY = { up: '\x1b[A', down: '\x1b[B', escape: '\x1b', enter: '\r', backspace: '\x7f' } as const;

export function renderTop(
  feed: FakeFeed,
  size = { columns: 80, rows: 24 },
  now = () => 1_060_000,
): RenderedTop {
  const app = render(<TopApp feed={feed} now={now} />);
  const frame = () => (app.lastFrame() ?? '').replace(ANSI, '');
  const resize = (columns: number, rows: number) => {
    Object.defineProperty(app.stdout, 'columns', { value: columns, configurable: true });
    Object.defineProperty(app.stdout, 'rows', { value: rows, configurable: true });
    app.stdout.emit('resize');
  };
  resize(size.columns, size.rows);
  return {
    frame,
    waitForFrame: (check, message = 'a matching frame') =>
      waitFor(() => (check(frame()) ? frame() : null), { timeoutMs: 3000, intervalMs: 5, message }).catch(
        (error: Error) => {
          throw new Error(`${error.message}\nlast frame:\n${frame()}`);
        },
      ),
    press: (keys) => app.stdin.write(keys),
    resize,
    unmount: () => {
      app.unmount();
      app.cleanup();
    },
  };
}
