// What an exporter (Kubernetes, systemd) returns: the files to write, and every key of the config
// it could not map, one line each (`web: limits.max_fds: no equivalent; ...`).
export interface ExportedFile {
  /** A file name, no directory: `web.deployment.yaml`, `web@.service`. */
  name: string;
  content: string;
}

export interface ExportResult {
  files: ExportedFile[];
  /** Unmapped keys and lossy mappings, for stderr (and an error with --strict). */
  report: string[];
}
