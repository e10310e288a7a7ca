// POST each alert as JSON to a URL, with a timeout per attempt and retries with exponential
// backoff; runs on its own promise chain, so a slow endpoint never holds up the daemon.
import type { PmEvent } from '../protocol/events.js';
import { type AlertSink, alertText } from './alert-sink.js';

export interface WebhookOptions {
  timeoutMs: number;
  /** Tries in all, the first included. */
  attempts: number;
  /** Wait before the second try; doubled before each further one. */
  backoffMs: number;
}

export const DEFAULT_WEBHOOK_OPTIONS: WebhookOptions = { timeoutMs: 5000, attempts: 4, backoffMs: 1000 };

/** A reply that retrying cannot fix (400, 404, ...): give up at once. */
class PermanentFailure extends Error {}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

async function post(url: string, body: string, timeoutMs: number): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'pm-alerts' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause;
    const reason = (error as Error).name === 'TimeoutError' ? `no reply within ${timeoutMs} ms` : null;
    throw new Error(reason ?? cause?.message ?? (error as Error).message);
  }
  await response.body?.cancel();
  if (response.ok) return;
  const message = `HTTP ${response.status} ${response.statusText}`.trim();
  if (response.status >= 500 || response.status === 429 || response.status === 408) throw new Error(message);
  throw new PermanentFailure(message);
}

export function createWebhookSink(url: string, options: WebhookOptions = DEFAULT_WEBHOOK_OPTIONS): AlertSink {
  return {
    key: `webhook:${url}`,
    label: `webhook ${url}`,
    async send(event: PmEvent) {
      const body = JSON.stringify({ text: alertText(event), event });
      let lastError: Error = new Error('not sent');
      for (let attempt = 0; attempt < options.attempts; attempt++) {
        if (attempt > 0) await delay(options.backoffMs * 2 ** (attempt - 1));
        try {
          await post(url, body, options.timeoutMs);
          return;
        } catch (error) {
          lastError = error as Error;
          if (error instanceof PermanentFailure) break;
        }
      }
      throw new Error(`${lastError.message} (${options.attempts} attempts)`);
    },
  };
}
