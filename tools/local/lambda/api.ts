import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http';
import type { ContextInit } from './context';
import { InvokeApiError } from './errors';
import { functionArn } from './function-name';
import { LOCAL_ACCOUNT_ID, SYNC_RESPONSE_LIMIT_BYTES } from './limits';
import { FunctionRegistry, type RegisteredFunction } from './registry';
import { verifyInvokeSignature, type InvokeCredentials } from './auth';
import { header, parseEvent, parseInvokeTarget, readClientContext, readPayload } from './request';
import { runHandler, toErrorBody, type FunctionErrorBody, type Outcome } from './run-handler';
import type { InvocationType, LocalFunction } from './types';

export interface LambdaInvokeApiOptions {
  readonly functions?: readonly LocalFunction[];
  /** Used in ARNs. Default us-east-1. */
  readonly region?: string;
  /** Receives errors of Event invocations. Default: console.error. */
  readonly log?: (line: string) => void;
  /**
   * When set, `handle` serves only requests SigV4-signed with this key pair (as Lambda serves only signed
   * ones); others get 403 before anything else is looked at. In-process `invoke` needs none.
   */
  readonly credentials?: InvokeCredentials;
  /** The clock signatures are checked against. Default Date.now. */
  readonly now?: () => number;
}

export interface InProcessInvoke {
  /** `Event`: resolves once the invocation has started; its outcome is logged, as Lambda's async invoke. */
  readonly type: 'RequestResponse' | 'Event';
  /** The `_X_AMZN_TRACE_ID` this invocation gets. */
  readonly traceHeader?: string;
}

/**
 * Lambda's Invoke API over in-process handlers: `handle` serves POST /2015-03-31/functions/{name}/invocations
 * for the real `LambdaClient`; `invoke` is the same path for callers inside this process (the local API
 * Gateway and scheduler), so every invocation gets the same emulated context.
 */
export interface LambdaInvokeApi {
  register(fn: LocalFunction): void;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  invoke(name: string, event: unknown, options: InProcessInvoke): Promise<Outcome>;
  /** Resolves when no async (Event) invocation is still running; one that timed out counts as finished. */
  idle(): Promise<void>;
  /** Shutting down: every running and later invocation's remaining time drops to 0, so it winds down. */
  drain(): void;
}

export function createLambdaInvokeApi(options: LambdaInvokeApiOptions = {}): LambdaInvokeApi {
  const region = options.region ?? 'us-east-1';
  const log = options.log ?? ((line: string) => console.error(line));
  const registry = new FunctionRegistry();
  for (const fn of options.functions ?? []) registry.register(fn);
  const running = new Set<Promise<void>>();
  const stopping = new AbortController();

  const initFor = (fn: RegisteredFunction, requestId: string, arn: string, extra: Partial<ContextInit>): Omit<ContextInit, 'deadline'> => ({
    requestId,
    functionName: fn.name,
    invokedFunctionArn: arn,
    memoryMb: fn.memoryMb,
    logStreamName: fn.logStreamName,
    stopSignal: stopping.signal,
    ...extra,
  });

  function runEvent(fn: RegisteredFunction, event: unknown, init: Omit<ContextInit, 'deadline'>): void {
    // Started on the next turn so the caller's 202 is on its way before any synchronous handler work.
    const invocation = new Promise((resolve) => setImmediate(resolve))
      .then(() => runHandler(fn, event, init))
      .then((outcome) => {
        if (!outcome.ok)
          log(
            `[local-lambda] ${fn.name} ${init.requestId} (Event) failed, not retried: ${outcome.error.errorType}: ${outcome.error.errorMessage}`,
          );
      });
    running.add(invocation);
    void invocation.finally(() => running.delete(invocation));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    res.setHeader('x-amzn-RequestId', requestId);
    try {
      const target = parseInvokeTarget(req);
      const arn = functionArn(target.ref, { region, accountId: LOCAL_ACCOUNT_ID });
      const payload = await readPayload(req, target.invocationType);
      // Before the function is looked up: an unsigned caller learns nothing, not even which functions exist.
      if (options.credentials) await verifyInvokeSignature(req, payload, options.credentials, (options.now ?? Date.now)());
      const fn = registry.get(target.ref.name);
      if (!fn) throw InvokeApiError.functionNotFound(arn);
      const event = parseEvent(payload);
      const clientContext = readClientContext(req);
      const init = initFor(fn, requestId, arn, {
        // Lambda passes ClientContext to synchronous invocations only.
        ...(target.invocationType === 'RequestResponse' && clientContext ? { clientContext } : {}),
        ...(header(req, 'x-amzn-trace-id') ? { traceHeader: header(req, 'x-amzn-trace-id') } : {}),
      });
      if (target.invocationType === 'DryRun') return void res.writeHead(204).end();
      if (target.invocationType === 'Event') {
        res.writeHead(202).end();
        return runEvent(fn, event, init);
      }
      sendResult(res, await runHandler(fn, event, init));
    } catch (error) {
      if (!(error instanceof InvokeApiError)) throw error;
      sendJson(res, error.status, error.body, { 'x-amzn-ErrorType': error.code });
    }
  }

  async function invoke(name: string, event: unknown, how: InProcessInvoke): Promise<Outcome> {
    const fn = registry.get(name);
    if (!fn) throw new Error(`no local function ${name}`);
    const requestId = randomUUID();
    const init = initFor(
      fn,
      requestId,
      functionArn({ name }, { region, accountId: LOCAL_ACCOUNT_ID }),
      how.traceHeader ? { traceHeader: how.traceHeader } : {},
    );
    if (how.type === 'Event') {
      runEvent(fn, event, init);
      return { ok: true, result: undefined };
    }
    return runHandler(fn, event, init);
  }

  return {
    register: (fn) => registry.register(fn),
    handle,
    invoke,
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    drain: () => stopping.abort(),
  };
}

export type { InvocationType };

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
      error = {
        errorType: 'Function.ResponseSizeTooLarge',
        errorMessage: `Response payload size exceeded maximum allowed payload size (${SYNC_RESPONSE_LIMIT_BYTES} bytes).`,
      };
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
