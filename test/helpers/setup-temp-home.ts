// The setup every e2e file shares: a fresh PM_HOME before each test, and after it, whatever the
// outcome, the daemon and every process of that home killed and the home removed.
import { afterEach, beforeEach } from 'node:test';
import { createTempHome, type TempHome } from './temp-home.js';

/** The running test's home; read it inside a test or hook, never at module load. */
export type TestHome = Pick<TempHome, 'home' | 'env'>;

export interface TempHomeHooks {
  /** Runs before each test, once its home exists (start a server, set an env variable). */
  setup?: (t: TestHome) => void | Promise<void>;
  /** Runs after each test, before the home is cleaned up; the cleanup runs even if this throws. */
  teardown?: () => void | Promise<void>;
}

// The file's own teardown goes through here rather than into a second afterEach: node:test skips
// the afterEach hooks that follow one that throws, and the cleanup must never be skipped.
export function setupTempHome(hooks: TempHomeHooks = {}): TestHome {
  let current: TempHome | null = null;
  const active = (): TempHome => {
    if (!current) throw new Error('setupTempHome: the home exists only while a test runs');
    return current;
  };
  beforeEach(async () => {
    current = createTempHome();
    await hooks.setup?.(current);
  });
  afterEach(async () => {
    try {
      await hooks.teardown?.();
    } finally {
      await current?.cleanup();
      current = null;
    }
  });
  return {
    get home() {
      return active().home;
    },
    get env() {
      return active().env;
    },
  };
}
