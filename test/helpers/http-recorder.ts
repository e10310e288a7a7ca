// A local HTTP server on 127.0.0.1 that records each request and answers as the test says.
import http from 'node:http';
import type net from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface HttpRecorder {
  url: string;
  requests: RecordedRequest[];
  /** Status for the n-th request (0-based); 'hang' never answers. */
  respond: (n: number) => number | 'hang';
  close: () => Promise<void>;
}

export async function startHttpRecorder(): Promise<HttpRecorder> {
  const recorder = { requests: [] as RecordedRequest[], respond: (_n: number): number | 'hang' => 200 };
  const sockets = new Set<net.Socket>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const n = recorder.requests.length;
      recorder.requests.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const status = recorder.respond(n);
      if (status !== 'hang') response.writeHead(status).end();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return Object.assign(recorder, {
    url: `http://127.0.0.1:${port}/hook`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  });
}
