import { toXRayTraceId } from '../../../shared/tracing/links';
import { Attr } from '../../../shared/tracing/names';
import type { AttributeValue, ReceivedSpan } from '../otlp/traces';
import type { StoredTrace } from './store';

export interface SpanNode {
  readonly spanId: string;
  readonly parentSpanId?: string;
  /** The parent was never received (a caller outside this pipeline, or a span still being exported). */
  readonly missingParent?: true;
  readonly name: string;
  readonly kind: ReceivedSpan['kind'];
  readonly service: string;
  readonly start: string;
  readonly durationMs: number;
  readonly status: ReceivedSpan['status'];
  readonly attributes: Record<string, AttributeValue>;
  readonly events: readonly {
    readonly name: string;
    readonly time: string;
    readonly offsetMs: number;
    readonly attributes: Record<string, AttributeValue>;
  }[];
  readonly links: ReceivedSpan['links'];
  /** Spans of other traces that link to this one (a poller invocation, to the job spans it ran). */
  readonly linkedFrom?: readonly { readonly traceId: string; readonly spanId: string; readonly name: string }[];
  readonly children: SpanNode[];
}

export type Backlinks = ReadonlyMap<string, NonNullable<SpanNode['linkedFrom']>>;

/** Who links to the spans of `traceId`, from the other traces kept: span id → the linking spans. */
export function backlinks(traceId: string, others: Iterable<StoredTrace>): Backlinks {
  const found = new Map<string, Array<{ traceId: string; spanId: string; name: string }>>();
  for (const other of others) {
    if (other.traceId === traceId) continue;
    for (const s of other.spans)
      for (const l of s.links)
        if (l.traceId === traceId) {
          const linking = { traceId: other.traceId, spanId: s.spanId, name: s.name };
          const list = found.get(l.spanId);
          if (list) list.push(linking);
          else found.set(l.spanId, [linking]);
        }
  }
  return found;
}

export interface TraceSummary {
  readonly traceId: string;
  readonly xrayTraceId: string;
  /** The earliest root span's name and service. */
  readonly root: { readonly name: string; readonly service: string };
  readonly services: string[];
  readonly spanCount: number;
  readonly errorCount: number;
  readonly droppedSpans: number;
  readonly start: string;
  readonly durationMs: number;
  /** The jobs this trace carries (`job.id` attributes), so a trace can be found from a job. */
  readonly jobIds: string[];
}

export interface TraceTree extends TraceSummary {
  readonly spans: SpanNode[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const round = (ms: number) => Math.round(ms * 1000) / 1000;
const byStart = (a: { startTimeMs: number }, b: { startTimeMs: number }) => a.startTimeMs - b.startTimeMs;

export function summarize(trace: StoredTrace): TraceSummary {
  const spans = trace.spans;
  const start = Math.min(...spans.map((s) => s.startTimeMs));
  const end = Math.max(...spans.map((s) => s.endTimeMs));
  const ids = new Set(spans.map((s) => s.spanId));
  const root = [...spans].sort(byStart).find((s) => !s.parentSpanId || !ids.has(s.parentSpanId)) ?? spans[0]!;
  const jobIds = new Set<string>();
  for (const s of spans) if (typeof s.attributes[Attr.jobId] === 'string') jobIds.add(s.attributes[Attr.jobId] as string);
  return {
    traceId: trace.traceId,
    xrayTraceId: toXRayTraceId(trace.traceId),
    root: { name: root.name, service: root.service },
    services: [...new Set(spans.map((s) => s.service))].sort(),
    spanCount: spans.length,
    errorCount: spans.filter((s) => s.status.code === 'ERROR').length,
    droppedSpans: trace.droppedSpans,
    start: iso(start),
    durationMs: round(end - start),
    jobIds: [...jobIds],
  };
}

/** The trace as a tree: children under their parents, in start order; spans whose parent is absent at the top. */
export function toTree(trace: StoredTrace, linked: Backlinks = new Map()): TraceTree {
  const nodes = new Map<string, SpanNode>();
  const ids = new Set(trace.spans.map((s) => s.spanId));
  const sorted = [...trace.spans].sort(byStart);
  for (const s of sorted) {
    nodes.set(s.spanId, {
      spanId: s.spanId,
      ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
      ...(s.parentSpanId && !ids.has(s.parentSpanId) ? { missingParent: true as const } : {}),
      name: s.name,
      kind: s.kind,
      service: s.service,
      start: iso(s.startTimeMs),
      durationMs: round(s.endTimeMs - s.startTimeMs),
      status: s.status,
      attributes: s.attributes,
      events: s.events.map((e) => ({
        name: e.name,
        time: iso(e.timeMs),
        offsetMs: round(e.timeMs - s.startTimeMs),
        attributes: e.attributes,
      })),
      links: s.links,
      ...(linked.has(s.spanId) ? { linkedFrom: linked.get(s.spanId)! } : {}),
      children: [],
    });
  }
  const roots: SpanNode[] = [];
  for (const s of sorted) {
    const node = nodes.get(s.spanId)!;
    const parent = s.parentSpanId ? nodes.get(s.parentSpanId) : undefined;
    // A span that is its own ancestor (bad or duplicate ids) would make the tree a cycle: it goes to the top.
    if (parent && !isAncestor(node, parent, nodes)) parent.children.push(node);
    else roots.push(node);
  }
  return { ...summarize(trace), spans: roots };
}

function isAncestor(node: SpanNode, of: SpanNode, nodes: ReadonlyMap<string, SpanNode>): boolean {
  let current: SpanNode | undefined = of;
  for (let steps = 0; current && steps <= nodes.size; steps++) {
    if (current === node) return true;
    current = current.parentSpanId ? nodes.get(current.parentSpanId) : undefined;
  }
  return false;
}
