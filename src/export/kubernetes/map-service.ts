// listen: as a ClusterIP Service. In pm the daemon holds the socket and hands it over; in a pod
// the app binds the port itself, which a Node app with listen: already does.
import type { ListenAddress } from '../../protocol/app-spec.js';
import type { Manifest } from './manifest.js';
import { labelsOf } from './names.js';

export function mapService(listen: ListenAddress[], meta: Manifest['metadata']): Manifest {
  const ports = listen.map(({ port }) => ({ name: `tcp-${port}`, port, targetPort: port, protocol: 'TCP' }));
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta,
    spec: { type: 'ClusterIP', selector: labelsOf(meta.name), ports },
    notes: [
      'The app must listen on these ports itself: there is no daemon to hand it a socket (fds 3, 4, …).',
    ],
  };
}
