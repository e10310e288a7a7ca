// One writer per file path, shared by every stream that writes there (all instances of an app
// with `merge`, or out and err sent to one file): lines stay whole because each write is whole lines.
import { LogFile, type LogFileDeps, type LogFileOptions } from './log-file.js';

// Counted users: the last one to let go closes the file.
export class LogFileRegistry {
  private readonly files = new Map<string, { file: LogFile; users: number }>();

  constructor(private readonly deps: Omit<LogFileDeps, 'label'>) {}

  acquire(path: string, options: LogFileOptions, label: LogFileDeps['label']): LogFile {
    const entry = this.files.get(path);
    if (entry) {
      entry.users += 1;
      return entry.file;
    }
    const file = new LogFile(path, options, { ...this.deps, label });
    file.open();
    this.files.set(path, { file, users: 1 });
    return file;
  }

  /** Closes the file once its last user lets go. */
  async release(file: LogFile): Promise<void> {
    const entry = this.files.get(file.path);
    if (!entry || entry.file !== file) return;
    entry.users -= 1;
    if (entry.users > 0) return;
    this.files.delete(file.path);
    await file.close();
  }
}
