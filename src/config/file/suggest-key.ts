// "Did you mean" for unknown keys: the closest known key within a small edit distance.

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The known key closest to `key`, or undefined when none is close enough to be a typo. */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase().replaceAll('-', '_');
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate);
    if (!best || distance < best.distance) best = { key: candidate, distance };
  }
  const allowed = Math.max(1, Math.min(3, Math.floor(key.length / 3)));
  return best && best.distance <= allowed ? best.key : undefined;
}
