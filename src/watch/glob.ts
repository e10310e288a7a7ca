// The globs of `watch:` and `watch_ignore:`, matched without a regular expression (the daemon never
// runs one built from user input): `**` is any number of path segments, `*` any characters within
// one, anything else is itself. A pattern without a `/` matches a name at any depth (`*.log`,
// `node_modules`), as .gitignore does.

/** `*` within one segment: the pieces between stars, in order (linear in the name). */
function matchSegment(pattern: string, name: string): boolean {
  const pieces = pattern.split('*');
  if (pieces.length === 1) return pattern === name;
  const first = pieces[0]!;
  const last = pieces.at(-1)!;
  if (!name.startsWith(first) || name.length < first.length + last.length || !name.endsWith(last))
    return false;
  let at = first.length;
  const end = name.length - last.length;
  for (const piece of pieces.slice(1, -1)) {
    const found = name.indexOf(piece, at);
    if (found < 0 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}

/** `**` tries each split point once per segment: patterns are short, paths are short. */
function matchSegments(pattern: readonly string[], path: readonly string[], p = 0, s = 0): boolean {
  for (; p < pattern.length; p++, s++) {
    if (pattern[p] === '**') {
      for (let rest = s; rest <= path.length; rest++)
        if (matchSegments(pattern, path, p + 1, rest)) return true;
      return false;
    }
    if (s >= path.length || !matchSegment(pattern[p]!, path[s]!)) return false;
  }
  return s === path.length;
}

/** Whether `relative` (a path below the watched root, `/`-separated) matches `pattern`. */
export function matchGlob(pattern: string, relative: string): boolean {
  const path = relative.split('/').filter(Boolean);
  const anchored = pattern.includes('/');
  const parts = pattern.split('/').filter(Boolean);
  return matchSegments(anchored ? parts : ['**', ...parts], path);
}

/** A pattern matches the path itself or a directory above it (an ignored directory hides its tree). */
export function matchesOrIsInside(pattern: string, relative: string): boolean {
  const parts = relative.split('/').filter(Boolean);
  for (let n = 1; n <= parts.length; n++) if (matchGlob(pattern, parts.slice(0, n).join('/'))) return true;
  return false;
}

/** The directory a pattern's files live under: the segments before the first with a star. */
export function globRoot(pattern: string): string {
  const parts = pattern.split('/');
  const star = parts.findIndex((part) => part.includes('*'));
  return (star < 0 ? parts : parts.slice(0, star)).join('/') || '.';
}
