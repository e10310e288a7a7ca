// Targets as a caller writes them: the words of the command line ('web', 'web:0', '3', 'all'), a
// numeric id, or a Target object.
import { PmError } from '../protocol/errors.js';
import { parseTarget, type Target } from '../protocol/target.js';

export type TargetInput = string | number | Target;

export function toTarget(input: TargetInput): Target {
  if (typeof input === 'string') return parseTarget(input);
  if (typeof input === 'number') {
    if (!Number.isSafeInteger(input) || input < 0) {
      throw new PmError('bad-request', `${input} is not an instance id: use a whole number from 0`);
    }
    return { kind: 'id', id: input };
  }
  return input;
}
