// What went wrong while no command was watching (a state file moved aside, processes the daemon
// did not know of): kept until the next command, whose CLI prints them as warnings on stderr.
const MAX_NOTICES = 20;

export class Notices {
  private pending: string[] = [];

  add(text: string): void {
    this.pending = [...this.pending, text].slice(-MAX_NOTICES);
  }

  /** Each notice once: the first command to say hello gets them all. */
  take(): string[] {
    const taken = this.pending;
    this.pending = [];
    return taken;
  }
}
