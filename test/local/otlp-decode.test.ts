import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ProtoDecodeError } from '../../tools/local/otlp/proto-reader';
import { decodeTraces } from '../../tools/local/otlp/traces';
import { attributeMap, decodeTraceRequest } from '../support/otlp';

/** The span's own times, so the decoded ones can be checked exactly (any instant would do). */
const STARTED_MS = 1_700_000_000_000;

/** Spans made by the real SDK and serialised by the exporter's own protobuf serializer. */
function exportedBytes(): Uint8Array {
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
  return ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!;
}

describe('OTLP protobuf decoding (the local collector stand-in)', () => {
  it('reads what the SDK exporter sends exactly as the official protobuf definitions do', () => {
    const bytes = exportedBytes();
    const ours = decodeTraces(bytes);
    const official = decodeTraceRequest(bytes);
    expect(ours).toHaveLength(official.length);
    for (const [i, o] of official.entries()) {
      const s = ours[i]!;
      expect({ traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId, name: s.name }).toEqual({
        traceId: o.traceId,
        spanId: o.spanId,
        parentSpanId: o.parentSpanId,
        name: o.name,
      });
      expect(s.kind).toBe(['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'][o.kind]);
      const officialAttributes = attributeMap(o.attributes);
      for (const [k, v] of Object.entries(s.attributes)) {
        const expected = officialAttributes[k] as { values?: { stringValue: string }[] } | unknown;
        // protobufjs spells array values out ({ values: [{ stringValue }] }); ours are plain arrays.
        expect(v).toEqual(
          Array.isArray(v) ? (expected as { values: { stringValue: string }[] }).values.map((x) => x.stringValue) : expected,
        );
      }
      expect(s.events.map((e) => ({ name: e.name, attributes: e.attributes }))).toEqual(
        o.events.map((e) => ({ name: e.name, attributes: attributeMap(e.attributes) })),
      );
      expect(s.links.map((l) => l.spanId)).toEqual(o.links.map((l) => l.spanId));
      expect(s.service).toBe('tq-test');
    }
    const enqueue = ours.find((s) => s.name === 'queue.enqueue')!;
    expect(enqueue.attributes).toEqual({ 'job.id': '01ABC', 'job.attempt': 3, ratio: 0.25, ok: true, tags: ['a', 'b'] });
    expect(enqueue.status).toEqual({ code: 'ERROR', message: 'boom' });
    expect(enqueue.startTimeMs).toBe(STARTED_MS);
    expect(enqueue.endTimeMs).toBe(STARTED_MS + 250);
    expect(ours.find((s) => s.name === 'job.process')!.links[0]!.attributes).toEqual({ why: 'batch' });
  });

  it('refuses a truncated body with a typed error instead of returning half a trace', () => {
    const bytes = exportedBytes();
    expect(() => decodeTraces(bytes.subarray(0, bytes.length - 5))).toThrow(ProtoDecodeError);
    expect(() => decodeTraces(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]))).toThrow(
      /varint|truncated/,
    );
  });

  it('skips fields it does not know, as protobuf readers must', () => {
    // Field 99 (varint) ahead of a real export request.
    const unknown = new Uint8Array([0x98, 0x06, 0x01]);
    const bytes = exportedBytes();
    const joined = new Uint8Array(unknown.length + bytes.length);
    joined.set(unknown);
    joined.set(bytes, unknown.length);
    expect(decodeTraces(joined).map((s) => s.name)).toEqual(decodeTraces(bytes).map((s) => s.name));
  });
});
