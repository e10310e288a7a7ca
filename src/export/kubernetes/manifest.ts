// The few Kubernetes shapes the exporter writes, kept local so that src/ does not depend on a
// devDependency; the tests check every object against the published schemas (kubernetes-models).

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels: Record<string, string>;
}

/** One object of a manifest, with the notes written above it as YAML comments. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec: Record<string, unknown>;
  /** Comment lines written above the object: what a reader must know or provide. */
  notes: string[];
}

export interface Probe {
  httpGet?: { path: string; port: number; scheme: 'HTTP' | 'HTTPS' };
  tcpSocket?: { port: number };
  exec?: { command: string[] };
  periodSeconds: number;
  timeoutSeconds: number;
  failureThreshold: number;
  successThreshold: number;
  initialDelaySeconds?: number;
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: { name: string; value: string }[];
  ports?: { containerPort: number; protocol: 'TCP' }[];
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
}

/** What the mapping of one part of an AppSpec gives: its value, and the lines of the report. */
export interface Mapped<T> {
  value: T;
  report: string[];
}
