// Runs the live view on the terminal until `q` or Ctrl-C, on the alternate screen (like top and
// htop), so that quitting gives the shell back its screen as it was.
import { render } from 'ink';
import type { DaemonFeed } from './daemon-feed.js';
import { TopApp } from './TopApp.js';

const ENTER_ALTERNATE_SCREEN = '\x1b[?1049h';
const LEAVE_ALTERNATE_SCREEN = '\x1b[?1049l';

export async function runTop(feed: DaemonFeed): Promise<void> {
  process.stdout.write(ENTER_ALTERNATE_SCREEN);
  try {
    const app = render(<TopApp feed={feed} />, { exitOnCtrlC: true, patchConsole: false });
    await app.waitUntilExit();
  } finally {
    process.stdout.write(LEAVE_ALTERNATE_SCREEN);
    feed.close();
  }
}
