// Kubernetes names: a pm app name may hold `_`, `.` and capitals, which a Service name (an RFC 1035
// label) may not, so every object of an app gets one name that all of them accept.
const MAX_LABEL = 63;

export function toObjectName(app: string): string {
  const name = app
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, MAX_LABEL)
    .replace(/-+$/, '');
  return name === '' ? 'app' : name;
}

export function labelsOf(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/managed-by': 'pm-export' };
}
