import { types } from 'node:util';
import { InvokeStore, InvokeStoreBase } from '@aws/lambda-invoke-store';
import { createContext, type ContextInit } from './context';
import type { LocalFunction } from './types';

/** The runtime's invoke store, in its multi-concurrency mode, published on globalThis.awslambda as Lambda's is. */
const invokeStore = InvokeStore.getInstanceAsync(true);

/** The body Lambda returns with `X-Amz-Function-Error: Unhandled`. */
export interface FunctionErrorBody {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

export type Outcome =
  { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: FunctionErrorBody; readonly timedOut: boolean };

/**
 * Runs one invocation and settles with the first of: the handler's result (a promise's value, or a plain
 * value as nodejs24.x takes it), a synchronous throw, or the timeout. Nothing can be killed in-process, so a handler that outlives its
 * timeout keeps running; its late result is ignored, as Lambda would have frozen or discarded it.
 */
export function runHandler(fn: Required<LocalFunction>, event: unknown, init: Omit<ContextInit, 'deadline'>): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const succeed = (result: unknown) => finish({ ok: true, result });
    const fail = (error: unknown) => finish({ ok: false, error: toErrorBody(error), timedOut: false });
    const timer = setTimeout(() => finish({ ok: false, error: timeoutError(init.requestId, fn.timeoutMs), timedOut: true }), fn.timeoutMs);
    // Unref'd so a handler that never settles cannot keep a finished test or script alive.
    timer.unref();
    const context = createContext({ ...init, deadline: Date.now() + fn.timeoutMs });
    try {
      // As Lambda's runtime serves several invocations at once: each runs inside the invoke store, which
      // holds its request id and X-Ray header (the functions read the header there).
      const keys = InvokeStoreBase.PROTECTED_KEYS;
      const scope = { [keys.REQUEST_ID]: init.requestId, ...(init.traceHeader ? { [keys.X_RAY_TRACE_ID]: init.traceHeader } : {}) };
      void invokeStore.then((store) => store.run(scope, () => Promise.resolve(fn.handler(event, context)))).then(succeed, fail);
    } catch (error) {
      fail(error);
    }
  });
}

/** The Node.js runtime's shape for an unhandled error (aws-lambda-nodejs-runtime-interface-client, Errors.js). */
export function toErrorBody(error: unknown): FunctionErrorBody {
  if (types.isNativeError(error) || error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message, trace: (error.stack ?? '').split('\n') };
  }
  return { errorType: typeof error, errorMessage: safeString(error), trace: [] };
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value); // e.g. Object.create(null), which has no toString
  }
}

/** What current Lambda returns on timeout; the duration is the configured timeout, not the measured one. */
function timeoutError(requestId: string, timeoutMs: number): FunctionErrorBody {
  const seconds = (timeoutMs / 1000).toFixed(2);
  return { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: Task timed out after ${seconds} seconds` };
}
