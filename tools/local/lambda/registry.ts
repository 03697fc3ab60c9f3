import { randomBytes } from 'node:crypto';
import { logStreamName } from './context';
import { LocalFunctionConfigError } from './errors';
import { REGISTERED_NAME } from './function-name';
import { DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_MS } from './limits';
import type { LocalFunction } from './types';

export interface RegisteredFunction extends Required<LocalFunction> {
  /** One log stream per function, standing in for its single local execution environment. */
  readonly logStreamName: string;
}

/** Registered functions by name, validated against Lambda's own limits when added. */
export class FunctionRegistry {
  private readonly functions = new Map<string, RegisteredFunction>();

  register(fn: LocalFunction): void {
    this.functions.set(fn.name, validate(fn));
  }

  get(name: string): RegisteredFunction | undefined {
    return this.functions.get(name);
  }
}

function validate(fn: LocalFunction): RegisteredFunction {
  if (typeof fn.name !== 'string' || !REGISTERED_NAME.test(fn.name)) {
    throw new LocalFunctionConfigError('name', `must be 1-64 letters, digits, '-' or '_' (got ${JSON.stringify(fn.name)})`);
  }
  if (typeof fn.handler !== 'function') throw new LocalFunctionConfigError('handler', 'must be a function');
  // nodejs24.x judges a handler by the parameters it declares: a third one (a callback) fails its init
  // with Services.CallbackHandlerDeprecated, before any invocation.
  if (fn.handler.length >= 3) {
    throw new LocalFunctionConfigError(
      'handler',
      'declares a callback parameter: nodejs24.x runs only async handlers, (event, context) => Promise',
    );
  }
  const timeoutMs = fn.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // 15 minutes is Lambda's maximum timeout; 128-10240 MB its memory range.
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > 900_000) {
    throw new LocalFunctionConfigError('timeoutMs', `must be more than 0 and at most 900000 (got ${timeoutMs})`);
  }
  const memoryMb = fn.memoryMb ?? DEFAULT_MEMORY_MB;
  if (!Number.isInteger(memoryMb) || memoryMb < 128 || memoryMb > 10_240) {
    throw new LocalFunctionConfigError('memoryMb', `must be an integer from 128 to 10240 (got ${memoryMb})`);
  }
  return {
    name: fn.name,
    handler: fn.handler,
    timeoutMs,
    memoryMb,
    logStreamName: logStreamName(new Date(), randomBytes(16).toString('hex')),
  };
}
