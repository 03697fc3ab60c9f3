import type { Link, SpanContext } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';
import { attributes, encodedResource } from './common-encoder';
import { ProtoWriter } from './proto-writer';

/**
 * ExportTraceServiceRequest as OTLP protobuf (opentelemetry/proto/trace/v1/trace.proto), written straight
 * into one buffer. Ours, not @opentelemetry/otlp-transformer's: that builds a whole JavaScript copy of
 * the request (the resource's included) before encoding it, which made serialization the largest share of
 * a sampled invocation's own tracing CPU; this writes the spans as they are, the resource pre-encoded.
 */

/** Span flags: the low byte is the W3C trace flags; bit 8 says bit 9 (the parent is remote) is known. */
const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;
const flags = (traceFlags: number, remote: boolean | undefined) => (traceFlags & 0xff) | HAS_IS_REMOTE | (remote ? IS_REMOTE : 0);

function traceState(w: ProtoWriter, field: number, context: SpanContext): void {
  const state = context.traceState?.serialize();
  if (state) w.string(field, state);
}

function event(w: ProtoWriter, e: TimedEvent): void {
  w.fixed64Time(1, e.time);
  w.string(2, e.name);
  attributes(w, 3, e.attributes);
  if (e.droppedAttributesCount) w.varint(4, e.droppedAttributesCount);
}

function link(w: ProtoWriter, l: Link): void {
  w.hexBytes(1, l.context.traceId);
  w.hexBytes(2, l.context.spanId);
  traceState(w, 3, l.context);
  attributes(w, 4, l.attributes);
  if (l.droppedAttributesCount) w.varint(5, l.droppedAttributesCount);
  w.fixed32(6, flags(l.context.traceFlags, l.context.isRemote));
}

function span(w: ProtoWriter, s: ReadableSpan): void {
  const context = s.spanContext();
  w.hexBytes(1, context.traceId);
  w.hexBytes(2, context.spanId);
  traceState(w, 3, context);
  if (s.parentSpanContext?.spanId) w.hexBytes(4, s.parentSpanContext.spanId);
  w.string(5, s.name);
  w.varint(6, s.kind + 1); // the API's INTERNAL is 0, the protocol's SPAN_KIND_INTERNAL 1
  w.fixed64Time(7, s.startTime);
  w.fixed64Time(8, s.endTime);
  attributes(w, 9, s.attributes);
  if (s.droppedAttributesCount) w.varint(10, s.droppedAttributesCount);
  for (const e of s.events) w.message(11, (m) => event(m, e));
  if (s.droppedEventsCount) w.varint(12, s.droppedEventsCount);
  for (const l of s.links) w.message(13, (m) => link(m, l));
  if (s.droppedLinksCount) w.varint(14, s.droppedLinksCount);
  w.message(15, (status) => {
    if (s.status.message) status.string(2, s.status.message);
    if (s.status.code) status.varint(3, s.status.code);
  });
  w.fixed32(16, flags(context.traceFlags, s.parentSpanContext?.isRemote));
}

/** Spans grouped by resource, then by instrumentation scope, in the order they came. */
function group(spans: readonly ReadableSpan[]): Map<Resource, Map<string, ReadableSpan[]>> {
  const byResource = new Map<Resource, Map<string, ReadableSpan[]>>();
  for (const s of spans) {
    let byScope = byResource.get(s.resource);
    if (!byScope) byResource.set(s.resource, (byScope = new Map()));
    const scope = s.instrumentationScope;
    const key = `${scope.name}\n${scope.version ?? ''}\n${scope.schemaUrl ?? ''}`;
    const list = byScope.get(key);
    if (list) list.push(s);
    else byScope.set(key, [s]);
  }
  return byResource;
}

export function encodeTraceRequest(spans: readonly ReadableSpan[]): Uint8Array {
  const request = new ProtoWriter();
  for (const [resource, byScope] of group(spans)) {
    request.message(1, (rs) => {
      rs.bytes(1, encodedResource(resource));
      for (const list of byScope.values()) {
        const scope = list[0]!.instrumentationScope;
        rs.message(2, (ss) => {
          ss.message(1, (sc) => {
            sc.string(1, scope.name);
            if (scope.version) sc.string(2, scope.version);
          });
          for (const s of list) ss.message(2, (m) => span(m, s));
          if (scope.schemaUrl) ss.string(3, scope.schemaUrl);
        });
      }
      if (resource.schemaUrl) rs.string(3, resource.schemaUrl);
    });
  }
  return request.finish();
}
