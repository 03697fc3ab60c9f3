import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { InvokeApiError } from './errors';
import { functionArn } from './function-name';
import { LOCAL_ACCOUNT_ID, SYNC_RESPONSE_LIMIT_BYTES } from './limits';
import { FunctionRegistry, type RegisteredFunction } from './registry';
import { header, parseInvokeTarget, readClientContext, readEvent } from './request';
import { runHandler, toErrorBody, type FunctionErrorBody, type Outcome } from './run-handler';
import type { LambdaInvokeServer, LambdaInvokeServerOptions } from './types';

const defaults = { port: 0, host: '127.0.0.1', region: 'us-east-1', log: (line: string) => console.error(line) };

/**
 * A local server for Lambda's Invoke API (POST /2015-03-31/functions/{FunctionName}/invocations), so the real
 * `LambdaClient` pointed at `url` invokes in-process handlers. Not emulated: versions and aliases, throttling,
 * async retries (Lambda retries a failed Event invocation twice, minutes apart; here it is only logged),
 * destinations and DLQs, log tails (`X-Amz-Log-Result` is empty), isolation between invocations.
 */
export async function startLambdaInvokeServer(options: LambdaInvokeServerOptions = {}): Promise<LambdaInvokeServer> {
  const settings = { ...defaults, ...withoutUndefined(options) };
  const registry = new FunctionRegistry();
  for (const fn of options.functions ?? []) registry.register(fn);
  const running = new Set<Promise<void>>();

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Only a broken connection gets here; say so and keep serving.
      settings.log(`[local-lambda] ${req.method} ${req.url}: ${(error as Error)?.message ?? String(error)}`);
      if (!res.headersSent) sendJson(res, 500, JSON.stringify({ Type: 'Service', message: 'Internal error' }), { 'x-amzn-ErrorType': 'ServiceException' });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    res.setHeader('x-amzn-RequestId', requestId);
    try {
      const target = parseInvokeTarget(req);
      const arn = functionArn(target.ref, { region: settings.region, accountId: LOCAL_ACCOUNT_ID });
      const fn = registry.get(target.ref.name);
      if (!fn) throw InvokeApiError.functionNotFound(arn);
      const event = await readEvent(req, target.invocationType);
      const clientContext = readClientContext(req);
      const init = {
        requestId,
        functionName: fn.name,
        invokedFunctionArn: arn,
        memoryMb: fn.memoryMb,
        logStreamName: fn.logStreamName,
        // Lambda passes ClientContext to synchronous invocations only.
        clientContext: target.invocationType === 'RequestResponse' ? clientContext : undefined,
        traceHeader: header(req, 'x-amzn-trace-id'),
      };
      if (target.invocationType === 'DryRun') return void res.writeHead(204).end();
      if (target.invocationType === 'Event') {
        res.writeHead(202).end();
        // Started on the next turn so the 202 is on its way before any synchronous handler work.
        return void track(new Promise((resolve) => setImmediate(resolve)).then(() => runEvent(fn, event, init)));
      }
      const outcome = await runHandler(fn, event, init);
      sendResult(res, outcome);
    } catch (error) {
      if (!(error instanceof InvokeApiError)) throw error;
      sendJson(res, error.status, error.body, { 'x-amzn-ErrorType': error.code });
    }
  }

  async function runEvent(fn: RegisteredFunction, event: unknown, init: Parameters<typeof runHandler>[2]): Promise<void> {
    const outcome = await runHandler(fn, event, init);
    if (!outcome.ok) settings.log(`[local-lambda] ${fn.name} ${init.requestId} (Event) failed, not retried: ${outcome.error.errorType}: ${outcome.error.errorMessage}`);
  }

  function track(invocation: Promise<void>): void {
    running.add(invocation);
    void invocation.finally(() => running.delete(invocation));
  }

  await listen(server, settings.port, settings.host);
  const port = (server.address() as { port: number }).port;
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  let stopped: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    register: (fn) => registry.register(fn),
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // close() alone waits for keep-alive sockets (the SDK keeps them) and in-flight invocations.
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}

/** A function error is still HTTP 200: the caller learns of it from `X-Amz-Function-Error`. */
function sendResult(res: ServerResponse, outcome: Outcome): void {
  let error: FunctionErrorBody | undefined = outcome.ok ? undefined : outcome.error;
  let body = '';
  if (outcome.ok) {
    try {
      // The runtime serialises with JSON.stringify; undefined (and functions) become null.
      body = JSON.stringify(outcome.result) ?? 'null';
    } catch (serializeError) {
      error = toErrorBody(serializeError);
    }
    if (Buffer.byteLength(body) > SYNC_RESPONSE_LIMIT_BYTES) {
      error = { errorType: 'Function.ResponseSizeTooLarge', errorMessage: `Response payload size exceeded maximum allowed payload size (${SYNC_RESPONSE_LIMIT_BYTES} bytes).` };
    }
  }
  const headers: Record<string, string> = { 'X-Amz-Executed-Version': '$LATEST' };
  if (error) {
    body = JSON.stringify(error);
    headers['X-Amz-Function-Error'] = 'Unhandled';
  }
  // Tail asks for the last 4 KB of logs, base64; there is no captured log here, so it is empty.
  if (header(res.req, 'x-amz-log-type') === 'Tail') headers['X-Amz-Log-Result'] = '';
  sendJson(res, 200, body, headers);
}

function sendJson(res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
