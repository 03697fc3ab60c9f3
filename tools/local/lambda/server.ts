import { createServer, type Server } from 'node:http';
import { sendJson } from '../http';
import { createLambdaInvokeApi } from './api';
import type { LambdaInvokeServer, LambdaInvokeServerOptions } from './types';

/**
 * A local server for Lambda's Invoke API (POST /2015-03-31/functions/{FunctionName}/invocations), so the real
 * `LambdaClient` pointed at `url` invokes in-process handlers. Not emulated: versions and aliases, throttling,
 * async retries (Lambda retries a failed Event invocation twice, minutes apart; here it is only logged),
 * destinations and DLQs, log tails (`X-Amz-Log-Result` is empty), isolation between invocations.
 */
export async function startLambdaInvokeServer(options: LambdaInvokeServerOptions = {}): Promise<LambdaInvokeServer> {
  const log = options.log ?? ((line: string) => console.error(line));
  const api = createLambdaInvokeApi({
    ...(options.functions ? { functions: options.functions } : {}),
    ...(options.region ? { region: options.region } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.now ? { now: options.now } : {}),
    log,
  });
  const server = createServer((req, res) => {
    api.handle(req, res).catch((error: unknown) => {
      // Only a broken connection gets here; say so and keep serving.
      log(`[local-lambda] ${req.method} ${req.url}: ${(error as Error)?.message ?? String(error)}`);
      if (!res.headersSent) sendJson(res, 500, { Type: 'Service', message: 'Internal error' }, { 'x-amzn-ErrorType': 'ServiceException' });
    });
  });
  const host = options.host ?? '127.0.0.1';
  await listen(server, options.port ?? 0, host);
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    register: (fn) => api.register(fn),
    idle: () => api.idle(),
    stop: () => closeServer(server),
  };
}

export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

const closing = new WeakMap<Server, Promise<void>>();

/** Stops listening and closes every connection, including keep-alive and in-flight ones. */
export function closeServer(server: Server): Promise<void> {
  let stopped = closing.get(server);
  if (!stopped) {
    stopped = new Promise<void>((resolve) => {
      server.close(() => resolve());
      // close() alone waits for keep-alive sockets (the SDK keeps them) and in-flight invocations.
      server.closeAllConnections();
    });
    closing.set(server, stopped);
  }
  return stopped;
}
