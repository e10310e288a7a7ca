import { PmError } from './errors.js';
import { quoteText } from './escape-text.js';

/** Which instances a command applies to. */
export type Target =
  | { kind: 'all' }
  | { kind: 'name'; name: string }
  | { kind: 'id'; id: number }
  | { kind: 'instance'; name: string; index: number };

// Not all digits and not `all`: those read as an id or as every app, so such an app could not be targeted.
export const APP_NAME_PATTERN = /^(?!\d+$)(?!all$)[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

// `all`, a numeric id, `name` or `name:index`, as typed on the command line.
export function parseTarget(text: string): Target {
  if (text === 'all') return { kind: 'all' };
  if (/^\d+$/.test(text)) return { kind: 'id', id: Number(text) };
  const match = /^(.+):(\d+)$/.exec(text);
  const name = match ? match[1]! : text;
  if (!APP_NAME_PATTERN.test(name)) {
    throw new PmError(
      'bad-request',
      `${quoteText(text, 80)} is not a target: use an app name, an id, name:index or "all"`,
    );
  }
  return match ? { kind: 'instance', name, index: Number(match[2]) } : { kind: 'name', name };
}

export function formatTarget(target: Target): string {
  switch (target.kind) {
    case 'all':
      return 'all';
    case 'id':
      return String(target.id);
    case 'name':
      return target.name;
    case 'instance':
      return `${target.name}:${target.index}`;
  }
}
