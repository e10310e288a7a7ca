// A `listen:` entry of the config, read and written back: a port (3000) or host:port, with an IPv6
// host in brackets ("[::1]:8080") because the address itself holds colons.
import net from 'node:net';
import type { ListenAddress } from '../protocol/app-spec.js';

export type ParsedListenEntry = { ok: true; address: ListenAddress } | { ok: false; message: string };

const EXPECTED = 'expected a port (3000) or host:port ("127.0.0.1:8080", "[::1]:8080")';
const MAX_PORT = 65535;
const HOST_LABEL = /^[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?$/;

export function parseListenEntry(value: unknown): ParsedListenEntry {
  const fail = (why: string): ParsedListenEntry => ({
    ok: false,
    message: `listen entry ${show(value)}: ${why}`,
  });
  if (typeof value === 'number') return withPort(null, value, fail);
  if (typeof value !== 'string') return fail(EXPECTED);
  if (isDigits(value)) return withPort(null, Number(value), fail);

  const colon = value.lastIndexOf(':');
  if (colon === -1) return fail(EXPECTED);
  const hostPart = value.slice(0, colon);
  const portPart = value.slice(colon + 1);
  if (!isDigits(portPart)) return fail(EXPECTED);

  if (hostPart.startsWith('[') && hostPart.endsWith(']')) {
    const host = hostPart.slice(1, -1);
    if (!net.isIPv6(host)) return fail(`${JSON.stringify(host)} is not an IPv6 address`);
    return withPort(host, Number(portPart), fail);
  }
  if (hostPart.includes(':')) {
    return fail('write an IPv6 address in brackets ("[::1]:8080")');
  }
  if (!net.isIPv4(hostPart) && !isHostName(hostPart)) {
    return fail(`${JSON.stringify(hostPart)} is not a host name or an IP address; ${EXPECTED}`);
  }
  return withPort(hostPart, Number(portPart), fail);
}

function withPort(
  host: string | null,
  port: number,
  fail: (why: string) => ParsedListenEntry,
): ParsedListenEntry {
  if (!Number.isInteger(port) || port < 1 || port > MAX_PORT) {
    return fail(`the port must be a whole number from 1 to ${MAX_PORT}`);
  }
  return { ok: true, address: { host, port } };
}

function isHostName(text: string): boolean {
  return text.length <= 253 && text.split('.').every((label) => label.length <= 63 && HOST_LABEL.test(label));
}

function show(value: unknown): string {
  if (typeof value === 'string' || (typeof value === 'object' && value !== null))
    return JSON.stringify(value);
  return String(value);
}

function isDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (const char of text) if (char < '0' || char > '9') return false;
  return true;
}

// As the user writes it: the form parseListenEntry reads back.
export function formatListen(address: ListenAddress): string {
  if (address.host === null) return String(address.port);
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return `${host}:${address.port}`;
}

// The socket's name in LISTEN_FDNAMES: systemd names cannot hold ':', and the Node preload matches
// the port an app passes to listen() against it.
export function listenName(address: ListenAddress): string {
  return String(address.port);
}
