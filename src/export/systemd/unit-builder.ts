// What the mappers of one app write into: the lines of its service unit, and the report.

export interface UnitBuilder {
  /** Directives of [Unit] (ordering, start limits). */
  unit: string[];
  /** Directives of [Service]. */
  service: string[];
  /** User units (`--user`): no User=/Group=, WantedBy=default.target. */
  user: boolean;
  /** One line of the report: `<app>: <key>: <message>`, `key` as the config file writes it. */
  report: (key: string, message: string) => void;
}
