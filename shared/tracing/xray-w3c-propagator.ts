import { ROOT_CONTEXT, trace, type Context, type TextMapGetter, type TextMapPropagator, type TextMapSetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray';

/**
 * The `xray` format for systems that mix X-Ray and W3C: writes `X-Amzn-Trace-Id` and, for the same span,
 * `traceparent` and `tracestate`, so a job carries both and a W3C caller's vendor state survives the
 * queue. Reads X-Ray first (the trace the deployed functions continue: API Gateway's and Lambda's);
 * the W3C headers then lend it their `tracestate`, and stand in when there is no X-Ray header at all.
 */
export class XRayW3CPropagator implements TextMapPropagator {
  private readonly xray = new AWSXRayPropagator();
  private readonly w3c = new W3CTraceContextPropagator();

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    this.xray.inject(context, carrier, setter);
    this.w3c.inject(context, carrier, setter);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const fromXRay = this.xray.extract(context, carrier, getter);
    const xray = trace.getSpanContext(fromXRay);
    if (!xray) return this.w3c.extract(context, carrier, getter);
    const traceState = trace.getSpanContext(this.w3c.extract(ROOT_CONTEXT, carrier, getter))?.traceState;
    return traceState ? trace.setSpanContext(context, { ...xray, traceState }) : fromXRay;
  }

  fields(): string[] {
    return [...this.xray.fields(), ...this.w3c.fields()];
  }
}
