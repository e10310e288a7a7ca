// One writer per file path, shared by every stream that writes there (all instances of an app
// with `merge`, or out and err sent to one file): the writer keeps their lines apart.
import type { LogLabel } from './log-destination.js';
import { LogFile, type LogFileDeps, type LogFileOptions } from './log-file.js';

// Counted users: the last one to let go closes the file.
export class LogFileRegistry {
  private readonly files = new Map<string, LogFile>();

  constructor(private readonly deps: LogFileDeps) {}

  acquire(path: string, options: LogFileOptions, label: LogLabel): LogFile {
    let file = this.files.get(path);
    if (!file) {
      file = new LogFile(path, options, this.deps, label);
      file.open();
      this.files.set(path, file);
    }
    file.writers += 1;
    return file;
  }

  /** The fallback file that `path`'s lines go to now, if they go to one. */
  fallbackOf(path: string): string | null {
    return this.files.get(path)?.fallbackFile ?? null;
  }

  /** Closes the file once its last user lets go. */
  release(file: LogFile): void {
    if (this.files.get(file.path) !== file) return;
    file.writers -= 1;
    if (file.writers > 0) return;
    this.files.delete(file.path);
    file.close();
  }
}
