// TCP probe: a connection that is accepted passes; it is closed at once.
import net from 'node:net';
import type { Probe } from '../probe.js';

export const probeTcp: Probe<{ type: 'tcp'; host: string; port: number }> = (check, _context, signal) =>
  new Promise((resolve) => {
    const socket = net.connect({ host: check.host, port: check.port });
    const finish = (result: { ok: true } | { ok: false; reason: string }) => {
      signal.removeEventListener('abort', abort);
      socket.destroy();
      resolve(result);
    };
    const abort = () => finish({ ok: false, reason: 'aborted' });
    signal.addEventListener('abort', abort, { once: true });
    socket.once('connect', () => finish({ ok: true }));
    socket.once('error', (error) => finish({ ok: false, reason: error.message }));
  });
