import type { ReceivedSpan } from '../../tools/local/otlp/traces';
import { TraceStore } from '../../tools/local/traces/store';
import { toTree, type SpanNode } from '../../tools/local/traces/tree';

const T1 = '0af7651916cd43dd8448eb211c80319c';
let clock = 1_700_000_000_000;

function span(traceId: string, spanId: string, parentSpanId?: string, extra: Partial<ReceivedSpan> = {}): ReceivedSpan {
  clock += 1;
  return {
    traceId,
    spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    name: `span-${spanId}`,
    kind: 'INTERNAL',
    startTimeMs: clock,
    endTimeMs: clock + 5,
    attributes: {},
    events: [],
    links: [],
    status: { code: 'UNSET' },
    service: 'svc',
    resource: {},
    scope: 'test',
    ...extra,
  };
}

const id = (n: number) => n.toString(16).padStart(32, '0');

describe('the local trace store', () => {
  it('keeps at most maxTraces, dropping the least recently updated first', () => {
    const store = new TraceStore({ maxTraces: 2, maxSpansPerTrace: 10 });
    store.add([span(id(1), 'a'.repeat(16))]);
    store.add([span(id(2), 'b'.repeat(16))]);
    store.add([span(id(1), 'c'.repeat(16))]); // trace 1 updated: trace 2 is now the stalest
    store.add([span(id(3), 'd'.repeat(16))]);
    expect(store.get(id(2))).toBeUndefined();
    expect(store.recent(10).map((t) => t.traceId)).toEqual([id(3), id(1)]);
    expect(store.stats()).toMatchObject({ traces: 2, spans: 3, evictedTraces: 1 });
  });

  it('caps the spans of one trace and counts the rest as dropped', () => {
    const store = new TraceStore({ maxTraces: 5, maxSpansPerTrace: 2 });
    store.add([span(T1, '1'.repeat(16)), span(T1, '2'.repeat(16)), span(T1, '3'.repeat(16))]);
    expect(store.get(T1)!.spans).toHaveLength(2);
    expect(toTree(store.get(T1)!).droppedSpans).toBe(1);
  });

  it('nests spans under their parents, marks spans whose parent never arrived, and survives a parent cycle', () => {
    const store = new TraceStore({ maxTraces: 5, maxSpansPerTrace: 100 });
    const root = 'a'.repeat(16);
    store.add([
      span(T1, root, 'f'.repeat(16), { status: { code: 'ERROR', message: 'x' }, attributes: { 'job.id': '01JOB' } }),
      span(T1, 'b'.repeat(16), root),
      span(T1, 'c'.repeat(16), 'b'.repeat(16)),
      span(T1, 'd'.repeat(16), 'e'.repeat(16)),
      span(T1, 'e'.repeat(16), 'd'.repeat(16)),
    ]);
    const tree = toTree(store.get(T1)!);
    expect(tree.spans[0]).toMatchObject({ spanId: root, missingParent: true });
    expect(tree.spans[0]!.children[0]!.children[0]!.spanId).toBe('c'.repeat(16));
    const all = (nodes: readonly SpanNode[]): string[] => nodes.flatMap((n) => [n.spanId, ...all(n.children)]);
    expect(all(tree.spans).sort()).toEqual(['a', 'b', 'c', 'd', 'e'].map((c) => c.repeat(16))); // every span, none lost to the cycle
    expect(JSON.stringify(tree)).toBeTruthy(); // no cycle in the output
    expect(tree).toMatchObject({ spanCount: 5, errorCount: 1, jobIds: ['01JOB'], xrayTraceId: `1-${T1.slice(0, 8)}-${T1.slice(8)}` });
  });
});
