import middy, { type MiddlewareObj, type MiddyfiedHandler, type Request } from '@middy/core';
import {
  context as contextApi,
  ROOT_CONTEXT,
  SpanKind,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import type { Context as LambdaContext } from 'aws-lambda';
import { invocationTraceHeader } from './invocation';
import { InvocationAttr } from '../tracing/names';
import { recordFailure } from '../tracing/spans';
import type { Tracing } from '../tracing/tracing';
import { classify, requestCarrier, type Trigger } from './trigger';

/** Time kept in hand after the flush, so a flush can never make an invocation overrun its timeout. */
const FLUSH_MARGIN_MS = 50;

interface InvocationState {
  readonly span: Span;
  readonly ctx: Context;
  ended: boolean;
}

/**
 * Each invocation's span and context, in one place: keyed by the Lambda context object, which exists once
 * per invocation (so overlapping invocations never see each other's), and which both the middleware's hooks
 * (`request.context`) and the handler wrapper below (its second argument) have.
 */
const invocations = new WeakMap<object, InvocationState>();

const stateOf = (request: Request): InvocationState | undefined => invocations.get(request.context);

export interface TracingMiddlewareOptions {
  readonly tracing: Tracing;
}

let coldStart = true;

/**
 * The parent of an invocation, in order: trace headers of an API Gateway request; the carrier of an event
 * that brings a job (or a fanned-out poller's); Lambda's own trace header, only when it says Sampled=1 —
 * with active tracing off Lambda still sets it, with Sampled=0, and a parent-based sampler would then drop
 * everything. Nothing usable: a new root, decided by the configured sampler.
 */
function parentOf(trigger: Trigger, tracing: Tracing): Context {
  if (trigger.kind === 'http') {
    const ctx = tracing.extract(requestCarrier(trigger.event), ROOT_CONTEXT);
    if (trace.getSpanContext(ctx)) return ctx;
  } else if (trigger.kind === 'carrier') {
    const ctx = tracing.extract(trigger.carrier, ROOT_CONTEXT);
    if (trace.getSpanContext(ctx)) return ctx;
  }
  const header = invocationTraceHeader();
  // Unsampled (active tracing off: Sampled=0 on every invocation) is not worth parsing.
  if (header?.includes('Sampled=1')) {
    const ctx = tracing.extract({ 'x-amzn-trace-id': header }, ROOT_CONTEXT);
    const spanContext = trace.getSpanContext(ctx);
    if (spanContext && spanContext.traceFlags & TraceFlags.SAMPLED) return ctx;
  }
  return ROOT_CONTEXT;
}

function spanName(trigger: Trigger, lambdaContext: Partial<LambdaContext>): string {
  if (trigger.kind === 'http') return `${trigger.event.httpMethod} ${trigger.event.resource ?? trigger.event.path}`;
  return lambdaContext.functionName ?? 'invocation';
}

function invocationAttributes(trigger: Trigger, lambdaContext: Partial<LambdaContext>): Attributes {
  const attributes: Attributes = {
    [InvocationAttr.trigger]:
      trigger.kind === 'http' ? 'http' : trigger.kind === 'schedule' ? 'timer' : trigger.kind === 'carrier' ? 'pubsub' : 'other',
    [InvocationAttr.coldStart]: coldStart,
  };
  if (lambdaContext.awsRequestId) attributes[InvocationAttr.invocationId] = lambdaContext.awsRequestId;
  const account = lambdaContext.invokedFunctionArn?.split(':')[4];
  if (account) attributes[InvocationAttr.accountId] = account;
  if (trigger.kind === 'http') {
    const { event } = trigger;
    attributes[InvocationAttr.httpMethod] = event.httpMethod;
    attributes[InvocationAttr.httpRoute] = event.resource;
    attributes[InvocationAttr.urlPath] = event.path;
    if (event.requestContext?.identity?.sourceIp) attributes[InvocationAttr.clientAddress] = event.requestContext.identity.sourceIp;
    if (event.requestContext?.identity?.userAgent) attributes[InvocationAttr.userAgent] = event.requestContext.identity.userAgent;
  }
  return attributes;
}

const flushed = (): void => undefined;

/**
 * Ends the invocation span once, records the outcome, and flushes within the time the invocation has left.
 * Not async: most invocations have nothing to flush, and then return no promise at all (no allocation or
 * extra microtask on the common path). Resolves to nothing: middy reads any value as a response.
 */
function finish(request: Request, tracing: Tracing): Promise<void> | undefined {
  const state = stateOf(request);
  if (!state || state.ended) return undefined;
  state.ended = true;
  const { span } = state;
  const response = request.response as { statusCode?: unknown } | undefined;
  const status = typeof response?.statusCode === 'number' ? response.statusCode : undefined;
  const failed = request.error !== undefined || (status !== undefined && status >= 500);
  if (span.isRecording()) {
    if (status !== undefined) span.setAttribute(InvocationAttr.httpStatus, status);
    if (request.error) {
      recordFailure(span, request.error);
    } else if (failed) {
      recordFailure(span, undefined, `HTTP ${status}`);
    }
  }
  span.end();
  invocations.delete(request.context);
  tracing.reportOutcome(failed);
  if (!tracing.flushNeeded(state.ctx)) return undefined;
  const remaining = (request.context as Partial<LambdaContext>).getRemainingTimeInMillis?.();
  const budget = remaining === undefined ? undefined : Math.max(0, remaining - FLUSH_MARGIN_MS);
  return tracing
    .flush(budget === undefined ? undefined : Math.min(budget, tracing.config.flushTimeoutMs), { scope: state.ctx })
    .then(flushed);
}

/**
 * The one tracing middleware of every function: opens the invocation span with its parent restored (see
 * `parentOf`), marks cold starts, records errors, ends the span and flushes before the response leaves.
 * State lives in one WeakMap keyed by the invocation's Lambda context; nothing here can break or hang the handler. Use it through `traced()`,
 * which also makes the span's context active for the handler and closes the span when another middleware
 * answers early (middy then skips every `after` hook).
 */
export function tracingMiddleware(options: TracingMiddlewareOptions): MiddlewareObj {
  const { tracing } = options;

  const tracingMiddlewareBefore = (request: Request): void => {
    try {
      const trigger = classify(request.event);
      const lambdaContext = request.context as Partial<LambdaContext>;
      // The invocation's scope: its flush waits only for spans it recorded (see PendingSpans).
      const parent = tracing.scope(parentOf(trigger, tracing));
      const span = tracing.startSpan(
        spanName(trigger, lambdaContext),
        { kind: trigger.kind === 'http' ? SpanKind.SERVER : SpanKind.CONSUMER },
        parent,
      );
      if (span.isRecording()) span.setAttributes(invocationAttributes(trigger, lambdaContext));
      const ctx = trace.setSpan(parent, span);
      invocations.set(request.context, { span, ctx, ended: false });
    } catch {
      // Tracing must never break the handler: it runs untraced.
    } finally {
      coldStart = false;
    }
  };

  const tracingMiddlewareAfter = (request: Request) => finish(request, tracing);
  // Records the error and flushes; the response (or the error) is left to whoever set it.
  const tracingMiddlewareOnError = (request: Request) => finish(request, tracing);

  return { before: tracingMiddlewareBefore, after: tracingMiddlewareAfter, onError: tracingMiddlewareOnError };
}

/** Runs the handler inside the invocation's trace context, so every span it starts has the right parent. */
function withInvocationContext<E, R>(handler: (event: E, context: LambdaContext, opts: { signal: AbortSignal }) => Promise<R>) {
  return (event: E, context: LambdaContext, opts: { signal: AbortSignal }): Promise<R> => {
    const ctx = invocations.get(context)?.ctx;
    return ctx ? contextApi.with(ctx, () => handler(event, context, opts)) : handler(event, context, opts);
  };
}

/**
 * A middy handler with tracing: the middleware (registered first, so it wraps every other one), the
 * handler run inside the invocation's context, and — when another middleware answers early and middy
 * skips every `after` hook — the span still ended and flushed before the response is returned.
 */
export function traced<E, R>(
  handler: (event: E, context: LambdaContext, opts: { signal: AbortSignal }) => Promise<R>,
  options: TracingMiddlewareOptions,
): MiddyfiedHandler<E, R> {
  return middy<E, R>(withInvocationContext(handler), {
    requestEnd: (request: Request) => finish(request, options.tracing),
    // No early-timeout timer per invocation: the flush already keeps within the time left.
    timeoutEarlyInMillis: 0,
  }).use(tracingMiddleware(options));
}
