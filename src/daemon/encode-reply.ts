// A reply line. A long array (`pm list` of 10,000 instances, 5 MB of JSON) is encoded a slice per
// loop turn: one JSON.stringify of all of it held the loop for tens of milliseconds.
import { encodeFrame } from '../protocol/framing.js';

/** Items encoded in one loop turn. */
const SLICE = 500;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The same line as encodeFrame({ id, ok: true, data }). */
export async function encodeReply(id: unknown, data: unknown, slice = SLICE): Promise<string> {
  if (!Array.isArray(data) || data.length <= slice) return encodeFrame({ id, ok: true, data });
  const empty = JSON.stringify({ id, ok: true, data: [] });
  const parts = [empty.slice(0, -2)];
  for (let at = 0; at < data.length; at += slice) {
    if (at > 0) {
      await nextTurn();
      parts.push(',');
    }
    parts.push(JSON.stringify(data.slice(at, at + slice)).slice(1, -1));
  }
  parts.push(']}\n');
  return parts.join('');
}
