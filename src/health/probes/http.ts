// HTTP probe: GET the URL on a fresh connection; a 2xx or 3xx status passes. node:http and
// node:https (with tls and crypto behind it) load at the first HTTP probe, not at daemon start.
import type { Probe } from '../probe.js';

export const probeHttp: Probe<{ type: 'http'; url: string }> = async (check, _context, signal) => {
  const client = check.url.startsWith('https:') ? await import('node:https') : await import('node:http');
  return new Promise((resolve) => {
    const request = client.get(check.url, { agent: false, signal }, (response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      resolve(status >= 200 && status < 400 ? { ok: true } : { ok: false, reason: `HTTP ${status}` });
      request.destroy();
    });
    request.on('error', (error) => resolve({ ok: false, reason: error.message }));
  });
};
