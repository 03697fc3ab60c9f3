import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { context, SpanKind } from '@opentelemetry/api';
import { InvocationAttr, withSpan, type Tracing } from '../../shared/tracing';

/** A Lambda function failed the invocation (it threw, or timed out); `errorType` as the runtime reports it. */
export class InvokedFunctionError extends Error {
  constructor(
    readonly functionName: string,
    readonly errorType: string,
    message: string,
  ) {
    super(`${functionName} failed: ${errorType}: ${message}`);
    this.name = 'InvokedFunctionError';
  }

  /** The target signals a permanent failure by throwing an error named NonRetryableError. */
  get retryable(): boolean {
    return this.errorType !== 'NonRetryableError';
  }
}

export interface InvokeOptions {
  /** `Event`: asynchronous, answers once queued (202). `RequestResponse`: waits for the result. */
  readonly type: 'Event' | 'RequestResponse';
  /** Span name; the span's context travels in the payload's `trace`, so the callee joins the trace. */
  readonly spanName: string;
  readonly attributes?: Record<string, string | number | boolean>;
}

/**
 * Invokes a function under a CLIENT span whose context is written into the payload as `trace` (our
 * middleware restores it on the other side). Returns the parsed result of a RequestResponse call; throws
 * InvokedFunctionError when the function failed and the SDK's errors when the call itself failed.
 */
/** A Lambda client and the tracing its calls are traced with. */
export interface InvokeDeps {
  readonly lambda: LambdaClient;
  readonly tracing: Tracing;
}

export async function invokeTraced(
  deps: InvokeDeps,
  functionName: string,
  payload: Record<string, unknown>,
  options: InvokeOptions,
): Promise<unknown> {
  const { lambda, tracing } = deps;
  const attributes = {
    [InvocationAttr.invokedName]: functionName,
    [InvocationAttr.invokedProvider]: 'aws',
    [InvocationAttr.invocationType]: options.type,
    ...options.attributes,
  };
  return withSpan(tracing, options.spanName, { kind: SpanKind.CLIENT, attributes }, async () => {
    // The CLIENT span is active here: its context travels in the payload, so the callee joins the trace.
    const body = { ...payload, trace: tracing.inject(context.active()) };
    const result = await lambda.send(
      new InvokeCommand({ FunctionName: functionName, InvocationType: options.type, Payload: Buffer.from(JSON.stringify(body)) }),
    );
    const text = result.Payload ? Buffer.from(result.Payload).toString('utf8') : '';
    if (result.FunctionError) {
      const failure = (text ? JSON.parse(text) : {}) as { errorType?: string; errorMessage?: string };
      throw new InvokedFunctionError(functionName, failure.errorType ?? result.FunctionError, failure.errorMessage ?? 'no message');
    }
    return options.type === 'RequestResponse' && text ? (JSON.parse(text) as unknown) : undefined;
  });
}
