// HTTP probe: GET the URL on a fresh connection; a 2xx or 3xx status passes.
import http from 'node:http';
import https from 'node:https';
import type { Probe } from '../probe.js';

export const probeHttp: Probe<{ type: 'http'; url: string }> = (check, _context, signal) =>
  new Promise((resolve) => {
    const client = check.url.startsWith('https:') ? https : http;
    const request = client.get(check.url, { agent: false, signal }, (response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      resolve(status >= 200 && status < 400 ? { ok: true } : { ok: false, reason: `HTTP ${status}` });
      request.destroy();
    });
    request.on('error', (error) => resolve({ ok: false, reason: error.message }));
  });
