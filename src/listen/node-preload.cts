// Loaded into a Node app by `NODE_OPTIONS=--require …/node-preload.cjs`: the sockets pm bound for the
// app arrive as fds 3, 4, … (systemd's LISTEN_FDS protocol) and the app's own listen(port) takes them,
// so instances share the port and a reload never refuses a connection. CommonJS: --require loads it.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const FIRST_FD = 3;

interface OptionToken {
  value: string;
  start: number;
  end: number;
}

try {
  const inherited = takeInheritedSockets(process.env);
  const readyFd = takeReadyFd(process.env);
  removePreload(process.env);
  const socketCount = [...inherited.values()].reduce((sum, fds) => sum + fds.length, 0);
  if (socketCount > 0) listenOnInherited(inherited, readinessReporter(socketCount, readyFd));
} catch {
  // A broken environment must not break the app: it runs as if nothing were inherited.
}

/** Name → fds, in fd order. The variables go in any case (as sd_listen_fds(1)): children never see them. */
function takeInheritedSockets(env: NodeJS.ProcessEnv): Map<string, number[]> {
  const inherited = new Map<string, number[]>();
  const count = isDigits(env.LISTEN_FDS) ? Number(env.LISTEN_FDS) : 0;
  if (env.LISTEN_PID === String(process.pid)) {
    const names = (env.LISTEN_FDNAMES ?? '').split(':');
    for (let i = 0; i < count; i++) {
      const name = names[i] ?? '';
      inherited.set(name, [...(inherited.get(name) ?? []), FIRST_FD + i]);
    }
  }
  delete env.LISTEN_PID;
  delete env.LISTEN_FDS;
  delete env.LISTEN_FDNAMES;
  return inherited;
}

/** NODE_OPTIONS without our --require, so that the app's own Node children do not load this file. */
function removePreload(env: NodeJS.ProcessEnv): void {
  const options = env.NODE_OPTIONS;
  if (options === undefined) return;
  const tokens = splitNodeOptions(options);
  const cuts: [number, number][] = [];
  tokens.forEach((token, i) => {
    const next = tokens[i + 1];
    if (token.value.startsWith('--require=') && isThisFile(token.value.slice('--require='.length))) {
      cuts.push([token.start, token.end]);
    } else if ((token.value === '--require' || token.value === '-r') && next && isThisFile(next.value)) {
      cuts.push([token.start, next.end]);
    }
  });
  if (cuts.length === 0) return;
  let rest = '';
  let from = 0;
  for (const [start, end] of cuts) {
    rest += options.slice(from, start);
    from = end;
  }
  rest = (rest + options.slice(from)).trim();
  if (rest === '') delete env.NODE_OPTIONS;
  else env.NODE_OPTIONS = rest;
}

/** Node's own NODE_OPTIONS split: spaces separate, double quotes group, a backslash escapes in quotes. */
function splitNodeOptions(text: string): OptionToken[] {
  const tokens: OptionToken[] = [];
  let current: OptionToken | null = null;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    let char = text[i]!;
    if (char === ' ' && !quoted) {
      current = null;
      continue;
    }
    if (current === null) {
      current = { value: '', start: i, end: i };
      tokens.push(current);
    }
    if (char === '"') quoted = !quoted;
    else {
      if (char === '\\' && quoted && i + 1 < text.length) char = text[++i]!;
      current.value += char;
    }
    current.end = i + 1;
  }
  return tokens;
}

function isThisFile(file: string): boolean {
  const resolved = path.resolve(file);
  try {
    return resolved === __filename || fs.realpathSync(resolved) === __filename;
  } catch {
    return false;
  }
}

/** The fd to write READY=1 to. The variable goes too: it is for this process only. */
function takeReadyFd(env: NodeJS.ProcessEnv): number | null {
  const fd = isDigits(env.PM_READY_FD) ? Number(env.PM_READY_FD) : null;
  delete env.PM_READY_FD;
  return fd;
}

/** Called once per inherited socket that starts listening; the last one writes READY=1 to the fd. */
function readinessReporter(socketCount: number, fd: number | null): () => void {
  let waiting = socketCount;
  return () => {
    waiting--;
    if (waiting !== 0 || fd === null) return;
    try {
      fs.writeSync(fd, 'READY=1\n');
    } catch {
      // The daemon stopped waiting: nothing to tell.
    }
    try {
      fs.closeSync(fd);
    } catch {
      // Already closed by the app.
    }
  };
}

// http.Server and https.Server inherit listen() from net.Server: this covers app.listen(3000) too.
function listenOnInherited(inherited: Map<string, number[]>, onListening: () => void): void {
  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
    const first = args[0];
    const port = requestedPort(first);
    // Each fd serves one listen(): a second one on the port gets Node's own behaviour.
    const fd = port === null ? undefined : inherited.get(port)?.shift();
    if (fd === undefined) return Reflect.apply(listen, this, args);
    this.once('listening', onListening);
    // Node takes `fd` before `port`; the rest of an options object (a signal) still applies.
    const options = typeof first === 'object' ? { ...first, fd } : { fd };
    const callback = args.at(-1);
    return typeof callback === 'function'
      ? listen.call(this, options, callback as () => void)
      : listen.call(this, options);
  } as typeof listen;
}

/** The port of listen(3000), listen('3000', host, …) or listen({ port: 3000 }); null for a path, fd or handle. */
function requestedPort(first: unknown): string | null {
  if (typeof first !== 'object' || first === null) return portName(first);
  if ('fd' in first || 'handle' in first || '_handle' in first) return null;
  return 'port' in first ? portName(first.port) : null;
}

function portName(value: unknown): string | null {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return String(value);
  if (typeof value === 'string' && isDigits(value)) return String(Number(value));
  return null;
}

function isDigits(text: string | undefined): text is string {
  if (text === undefined || text.length === 0) return false;
  for (const char of text) if (char < '0' || char > '9') return false;
  return true;
}
