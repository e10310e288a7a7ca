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
    // A terminal closing (SIGHUP) or a `kill` ends the view like `q`: the shell gets its screen back.
    const quit = () => app.unmount();
    process.once('SIGTERM', quit).once('SIGHUP', quit);
    try {
      await app.waitUntilExit();
    } finally {
      process.off('SIGTERM', quit).off('SIGHUP', quit);
    }
  } finally {
    process.stdout.write(LEAVE_ALTERNATE_SCREEN);
    feed.close();
  }
}
