// A regular expression from a user (`pm logs --grep`), run so that no expression can stall the
// daemon: V8's backtracking engine runs it, and after 1,000 backtracks on one line V8 switches
// that match to its linear-time engine (its experimental NFA engine: a catastrophic `(a+)+$`
// costs ~20 µs per line instead of 2^n steps). An expression the linear engine cannot run
// (backreferences, lookarounds) is refused, and so is a long one: the linear engine's cost
// grows with the expression's size as well as the line's.
import v8 from 'node:v8';
import { PmError } from '../protocol/errors.js';

export const MAX_PATTERN_CHARS = 256;

/**
 * Lower than V8's default (50,000): an ordinary expression rarely gets there on one log line, and
 * one that does still matches, in the linear engine.
 */
const BACKTRACKS_BEFORE_LINEAR = 1000;

// Set at the first expression, not at start: flags set after a V8 code cache was read change the
// hash it is checked against, so a cache written after them is rewritten by the next daemon.
let linearEngineEnabled = false;

function enableLinearEngine(): void {
  if (linearEngineEnabled) return;
  v8.setFlagsFromString('--enable-experimental-regexp-engine');
  v8.setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
  v8.setFlagsFromString(`--regexp-backtracks-before-fallback=${BACKTRACKS_BEFORE_LINEAR}`);
  linearEngineEnabled = true;
}

export function compileUserRegExp(pattern: string): RegExp {
  if (pattern.length > MAX_PATTERN_CHARS) {
    throw new PmError('bad-request', `the expression is longer than ${MAX_PATTERN_CHARS} characters`);
  }
  enableLinearEngine();
  const regexp = compile(pattern, '');
  // The `l` flag compiles for the linear engine alone, and fails for what it cannot run.
  compile(
    pattern,
    'l',
    'backreferences, lookahead and lookbehind are not supported (matched in linear time)',
  );
  return regexp;
}

function compile(pattern: string, flags: string, unsupported?: string): RegExp {
  try {
    return new RegExp(pattern, flags);
  } catch (error) {
    throw new PmError('bad-request', unsupported ?? (error as Error).message);
  }
}
