// The daemon's listen: sockets on real loopback ports: an app let go of while its bind is in flight
// does not keep the port (the bind's sockets are closed when it lands), and a later bind works.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { ListenSockets } from '../../../src/daemon/listen-sockets.js';
import { freePort } from '../../helpers/recovery.js';

/** Whether a server of this process can listen on the port now (it is free). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

test('an app released while its bind is in flight does not keep the port', async () => {
  const port = await freePort();
  const sockets = new ListenSockets();
  const spec = { name: 'web', listen: [{ host: '127.0.0.1', port }] };
  const binding = sockets.bind(spec);
  sockets.release('web');
  await binding;
  assert.equal(await portFree(port), true, 'the port stayed taken');
  assert.deepEqual(sockets.fdsOf({ name: 'web', listen: [] }), []);

  // Defined again: bound again, and held.
  await sockets.bind(spec);
  assert.equal(await portFree(port), false);
  assert.equal((sockets.fdsOf(spec) as number[]).length, 1);
  sockets.release('web');
  assert.equal(await portFree(port), true);
});
