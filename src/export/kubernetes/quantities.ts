// pm's units (milliseconds, bytes, cores) as Kubernetes' (whole seconds, quantities).

/** Whole seconds, rounded up so that a timeout is never shorter than pm's. */
export function toSeconds(ms: number, min = 0): number {
  return Math.max(min, Math.ceil(ms / 1000));
}

export function toMemoryQuantity(bytes: number): string {
  for (const [suffix, size] of [
    ['Gi', 1024 ** 3],
    ['Mi', 1024 ** 2],
    ['Ki', 1024],
  ] as const) {
    if (bytes % size === 0) return `${bytes / size}${suffix}`;
  }
  return String(bytes);
}

/** Cores as millicores (0.5 → 500m), the form `kubectl` prints. */
export function toCpuQuantity(cores: number): string {
  return `${Math.round(cores * 1000)}m`;
}
