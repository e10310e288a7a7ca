// Below both cli/ and daemon/: the CLI probes before starting a daemon, a daemon before taking the socket.
import net from 'node:net';

/** True when something accepts a connection on the socket: a daemon serves it. */
export function isSocketLive(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}
