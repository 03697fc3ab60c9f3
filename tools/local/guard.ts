import type { IncomingMessage } from 'node:http';

/**
 * Every local endpoint answers only requests addressed to this pipeline: a `Host` naming its loopback
 * address and port (a DNS-rebound name that resolves to 127.0.0.1 carries another Host), and an `Origin`,
 * when a browser sends one, that is the pipeline's own (a page elsewhere can still send a simple POST,
 * text/plain with no preflight, but never with our Origin). Returns why a request is refused, or
 * undefined.
 */
export function foreignRequest(req: IncomingMessage, port: number): string | undefined {
  const own = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  const host = req.headers.host?.toLowerCase();
  if (host === undefined || !own.has(host))
    return `Host ${JSON.stringify(req.headers.host ?? '')} is not this pipeline's (${[...own].join(', ')})`;
  const origin = req.headers.origin?.toLowerCase();
  if (origin !== undefined && !(origin.startsWith('http://') && own.has(origin.slice('http://'.length)))) {
    return `Origin ${JSON.stringify(req.headers.origin)} is not this pipeline's`;
  }
  return undefined;
}
