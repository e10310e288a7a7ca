// listen: the ports systemd binds for the app (socket activation), one socket unit per port, so that
// each carries FileDescriptorName=<port>: the name pm's Node preload matches listen(port) against.
import net from 'node:net';
import { formatListen, listenName } from '../../listen/listen-address.js';
import type { AppSpec, ListenAddress } from '../../protocol/app-spec.js';
import type { ExportedFile } from '../export-result.js';
import type { UnitBuilder } from './unit-builder.js';
import { renderUnit } from './unit-file.js';
import { isTemplate, serviceFile } from './unit-names.js';

function listenStream(address: ListenAddress): string {
  if (address.host === null) return String(address.port);
  return net.isIPv6(address.host) ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

function byPort(addresses: readonly ListenAddress[]): Map<number, ListenAddress[]> {
  const ports = new Map<number, ListenAddress[]>();
  for (const address of addresses) ports.set(address.port, [...(ports.get(address.port) ?? []), address]);
  return ports;
}

/** The socket units of the app, and Sockets=/Requires= on its service. */
export function socketUnits(spec: AppSpec, out: UnitBuilder): ExportedFile[] {
  // systemd binds addresses, it does not resolve host names.
  const addresses = (spec.listen ?? []).filter((address) => {
    if (address.host === null || net.isIP(address.host) !== 0) return true;
    out.report(
      `listen`,
      `${formatListen(address)}: ListenStream= takes an address, not a host name: left out`,
    );
    return false;
  });
  if (addresses.length === 0) return [];
  const ports = byPort(addresses);
  const template = isTemplate(spec);
  // A socket activates the service of its own name unless told otherwise; a template has none.
  const activated = template ? `${spec.name}@0.service` : serviceFile(spec);
  if (template) {
    out.report(
      'listen',
      `one socket shared by every instance (Accept=no): traffic before they run starts ${activated} only`,
    );
  }
  const files = [...ports].map(([port, group]): ExportedFile => {
    const name = ports.size === 1 ? `${spec.name}.socket` : `${spec.name}-${port}.socket`;
    const socket = [
      ...group.map((address) => `ListenStream=${listenStream(address)}`),
      `FileDescriptorName=${listenName(group[0]!)}`,
      ...(template
        ? ['# Every instance gets these fds through Sockets=; each accepts on them.', 'Accept=no']
        : []),
      ...(name !== `${spec.name}.socket` || template ? [`Service=${activated}`] : []),
    ];
    return {
      name,
      content: renderUnit({
        header: [`# The ports of ${spec.name} (listen:), bound by systemd and passed as LISTEN_FDS.`],
        sections: [
          { name: 'Unit', lines: [`Description=${spec.name}: port ${port}`] },
          { name: 'Socket', lines: socket },
          { name: 'Install', lines: ['WantedBy=sockets.target'] },
        ],
      }),
    };
  });
  const names = files.map((file) => file.name).join(' ');
  out.unit.push(`Requires=${names}`, `After=${names}`);
  out.service.push(`Sockets=${names}`);
  return files;
}
