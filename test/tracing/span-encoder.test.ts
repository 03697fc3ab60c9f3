import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type SpanContext } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import protobuf from 'protobufjs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { encodeTraceRequest } from '../../shared/tracing/otlp-http/span-encoder';
import { ProtoWriter } from '../../shared/tracing/otlp-http/proto-writer';
import { ExportTraceServiceRequest } from '../../tools/local/otlp/schema';

const decode = (bytes: Uint8Array) =>
  ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(bytes), { longs: String, bytes: String, defaults: false });

/** Spans of every shape the SDK makes, from two tracers (two scopes), with a given start instant. */
function spans(startMs: number): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'tq-test', 'faas.max_memory': 536870912, 'host.name': 'h'.repeat(300) }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
    spanLimits: { attributeCountLimit: 8, eventCountLimit: 3, linkCountLimit: 2 },
  });
  const tracer = provider.getTracer('queue', '1.2.3');
  const other = provider.getTracer('other', undefined, { schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' });
  const remote: SpanContext = {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: new TraceState('vendor=a,other=b'),
  };
  const parent = tracer.startSpan(
    'POST /jobs',
    {
      kind: SpanKind.SERVER,
      startTime: startMs,
      attributes: {
        'job.id': '01ABC',
        'job.attempt': 3,
        negative: -42,
        big: 2 ** 60,
        ratio: 0.25,
        ok: false,
        tags: ['a', 'b'],
        numbers: [1, 2.5],
        unicode: 'naïve — 日本',
        long: 'x'.repeat(20_000), // a length that takes three varint bytes
      },
    },
    trace.setSpanContext(ROOT_CONTEXT, remote),
  );
  for (let i = 0; i < 5; i++) parent.addEvent(`event ${i}`, { i, text: 'y'.repeat(200) }, startMs + i);
  parent.setAttributes({ a1: 1, a2: 2, a3: 3 }); // past the limit: dropped, and counted
  parent.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
  parent.end(startMs + 250.5);
  const links = [0, 1, 2].map((i) => ({ context: { ...remote, spanId: `00000000000000a${i}`, isRemote: i === 0 }, attributes: { i } }));
  const child = tracer.startSpan(
    'job.process',
    { kind: SpanKind.CONSUMER, links, startTime: startMs + 300 },
    trace.setSpan(ROOT_CONTEXT, parent),
  );
  child.setStatus({ code: SpanStatusCode.OK });
  child.end(startMs + 400);
  const root = other.startSpan('root', { root: true, startTime: startMs + 1 });
  root.end(startMs + 2);
  return exporter.getFinishedSpans();
}

describe('encodeTraceRequest', () => {
  it.each([
    ['now-ish', 1_796_300_000_123],
    ['the epoch', 0],
    ['far ahead', 4_102_444_800_999],
  ])('encodes what the SDK serializer encodes, field for field (%s)', (_name, startMs) => {
    const batch = spans(startMs);
    expect(decode(encodeTraceRequest(batch))).toEqual(decode(ProtobufTraceSerializer.serializeRequest(batch)!));
  });

  it('encodes one resource once however many spans carry it', () => {
    const batch = spans(1_796_300_000_123);
    const decoded = decode(encodeTraceRequest(batch)) as { resourceSpans: { scopeSpans: { scope: { name: string } }[] }[] };
    expect(decoded.resourceSpans).toHaveLength(1);
    expect(decoded.resourceSpans[0]!.scopeSpans.map((s) => s.scope.name)).toEqual(['queue', 'other']);
  });
});

/** Bytes of `n` as a varint, by the reference library. */
const varintBytes = (n: number) => protobuf.Writer.create().uint32(n).finish().length;

describe('ProtoWriter', () => {
  it('writes nested messages of every length with a minimal length prefix', () => {
    for (const length of [0, 1, 125, 126, 127, 128, 16_381, 16_384, 2_097_152]) {
      const w = new ProtoWriter();
      w.message(3, (m) => m.string(1, 'z'.repeat(length)));
      const reader = protobuf.Reader.create(w.finish());
      expect(reader.uint32()).toBe((3 << 3) | 2);
      const innerLength = reader.uint32();
      expect(innerLength).toBe(1 + varintBytes(length) + length);
      expect(reader.pos).toBe(1 + varintBytes(innerLength)); // minimal: no padded varint
      expect(reader.uint32()).toBe((1 << 3) | 2);
      expect(reader.string()).toBe('z'.repeat(length));
      expect(reader.pos).toBe(reader.len);
    }
  });
});
