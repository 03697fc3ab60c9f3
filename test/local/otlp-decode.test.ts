import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { decodeTraces, OtlpDecodeError } from '../../tools/local/otlp/traces';

/** The span's own times, so the decoded ones can be checked exactly (any instant would do). */
const STARTED_MS = 1_700_000_000_000;

/** Spans made by the real SDK and serialised by the exporter's own protobuf serializer. */
function exported(): { bytes: Uint8Array; spans: ReadableSpan[] } {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'tq-test' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('decode-test');
  const parent = tracer.startSpan('queue.enqueue', {
    kind: SpanKind.PRODUCER,
    startTime: STARTED_MS,
    attributes: { 'job.id': '01ABC', 'job.attempt': 3, ratio: 0.25, ok: true, tags: ['a', 'b'] },
  });
  parent.addEvent('job_enqueued', { 'queue.name': 'default' });
  parent.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
  parent.end(STARTED_MS + 250);
  const child = tracer.startSpan(
    'job.process',
    { kind: SpanKind.CONSUMER, links: [{ context: parent.spanContext(), attributes: { why: 'batch' } }] },
    trace.setSpan(ROOT_CONTEXT, parent),
  );
  child.end();
  const spans = exporter.getFinishedSpans();
  return { bytes: ProtobufTraceSerializer.serializeRequest(spans)!, spans };
}

describe('OTLP protobuf decoding (the local collector stand-in)', () => {
  it('reads back what the SDK exporter sends: ids, parentage, kinds, attributes, events, links, status, times', () => {
    const { bytes, spans } = exported();
    const decoded = decodeTraces(bytes);
    expect(decoded).toHaveLength(spans.length);
    for (const sent of spans) {
      const got = decoded.find((d) => d.spanId === sent.spanContext().spanId)!;
      expect(got).toMatchObject({
        traceId: sent.spanContext().traceId,
        name: sent.name,
        kind: ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'][sent.kind],
        service: 'tq-test',
        scope: 'decode-test',
      });
      expect(got.parentSpanId).toBe(sent.parentSpanContext?.spanId);
      expect(got.events.map((e) => e.name)).toEqual(sent.events.map((e) => e.name));
      expect(got.links.map((l) => l.spanId)).toEqual(sent.links.map((l) => l.context.spanId));
    }
    const enqueue = decoded.find((s) => s.name === 'queue.enqueue')!;
    expect(enqueue.attributes).toEqual({ 'job.id': '01ABC', 'job.attempt': 3, ratio: 0.25, ok: true, tags: ['a', 'b'] });
    expect(enqueue.events[0]!.attributes).toEqual({ 'queue.name': 'default' });
    expect(enqueue.status).toEqual({ code: 'ERROR', message: 'boom' });
    expect(enqueue.startTimeMs).toBe(STARTED_MS);
    expect(enqueue.endTimeMs).toBe(STARTED_MS + 250);
    expect(decoded.find((s) => s.name === 'job.process')!.links[0]!.attributes).toEqual({ why: 'batch' });
  });

  it('refuses a truncated or garbled body with a typed error instead of returning half a trace', () => {
    const { bytes } = exported();
    expect(() => decodeTraces(bytes.subarray(0, bytes.length - 5))).toThrow(OtlpDecodeError);
    expect(() => decodeTraces(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]))).toThrow(
      OtlpDecodeError,
    );
  });
});
