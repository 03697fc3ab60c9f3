import http from 'node:http';
import https from 'node:https';
import { ExportHttpStatusError, ExportRequestError, ExportTimeoutError } from './errors';

export interface PostOptions {
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly agent: http.Agent;
}

/** A keep-alive agent for the URL's scheme: a Lambda flushes every invocation, a new TLS handshake each time is slow. */
export function agentFor(url: URL): http.Agent {
  return url.protocol === 'https:' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
}

/**
 * POSTs a protobuf body. Resolves on 2xx; otherwise rejects with a OtlpExportError, and never later
 * than `timeoutMs` after the call, however the collector misbehaves (silent, slow, half an answer).
 */
export function postProtobuf(url: URL, body: Uint8Array, options: PostOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const fail = (err: unknown) => {
      clearTimeout(timer);
      reject(ExportRequestError.from(err));
    };
    try {
      const client = url.protocol === 'https:' ? https : http;
      const headers = { ...options.headers, 'Content-Type': 'application/x-protobuf', 'Content-Length': String(body.length) };
      const req = client.request(url, { method: 'POST', headers, agent: options.agent }, (res) => {
        res.on('error', fail);
        res.on('end', () => {
          clearTimeout(timer);
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(new ExportHttpStatusError(status));
        });
        // Read the body to its end so the socket goes back to the agent for the next flush.
        res.resume();
      });
      // Reject first, then tear down: whatever error the teardown raises, the failure reads as a timeout.
      timer = setTimeout(() => {
        reject(new ExportTimeoutError(options.timeoutMs));
        req.destroy();
      }, options.timeoutMs);
      req.on('error', fail);
      req.end(body);
    } catch (err) {
      // request() throws synchronously on a header Node refuses to send.
      fail(err);
    }
  });
}
