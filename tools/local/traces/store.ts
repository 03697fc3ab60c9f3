import type { ReceivedSpan } from '../otlp/traces';

export interface TraceStoreLimits {
  /** Traces kept; the least recently updated goes first. */
  readonly maxTraces: number;
  /** Spans kept per trace; later ones are counted as dropped. */
  readonly maxSpansPerTrace: number;
}

export interface StoredTrace {
  readonly traceId: string;
  readonly spans: ReceivedSpan[];
  /** Spans refused because the trace was full. */
  droppedSpans: number;
  updatedAt: number;
}

export interface StoreStats {
  readonly traces: number;
  readonly spans: number;
  readonly evictedTraces: number;
  readonly droppedSpans: number;
}

/**
 * Recent traces in memory, bounded in both directions so a long local run cannot grow without limit.
 * A Map keeps insertion order: re-inserting a trace on update makes the first entry the stalest.
 */
export class TraceStore {
  private readonly traces = new Map<string, StoredTrace>();
  private spanCount = 0;
  private evicted = 0;
  private dropped = 0;

  constructor(private readonly limits: TraceStoreLimits) {}

  add(spans: readonly ReceivedSpan[], now = Date.now()): void {
    for (const span of spans) {
      let stored = this.traces.get(span.traceId);
      if (stored) {
        this.traces.delete(span.traceId);
      } else {
        stored = { traceId: span.traceId, spans: [], droppedSpans: 0, updatedAt: now };
      }
      this.traces.set(span.traceId, stored);
      stored.updatedAt = now;
      if (stored.spans.length >= this.limits.maxSpansPerTrace) {
        stored.droppedSpans++;
        this.dropped++;
        continue;
      }
      stored.spans.push(span);
      this.spanCount++;
    }
    while (this.traces.size > this.limits.maxTraces) {
      const [oldest, trace] = this.traces.entries().next().value as [string, StoredTrace];
      this.traces.delete(oldest);
      this.spanCount -= trace.spans.length;
      this.evicted++;
    }
  }

  get(traceId: string): StoredTrace | undefined {
    return this.traces.get(traceId);
  }

  /** Most recently updated first. */
  /** Every trace kept, in no particular order: for a scan, without the copy `recent` makes. */
  all(): Iterable<StoredTrace> {
    return this.traces.values();
  }

  recent(limit: number): StoredTrace[] {
    return [...this.traces.values()].reverse().slice(0, limit);
  }

  stats(): StoreStats {
    return { traces: this.traces.size, spans: this.spanCount, evictedTraces: this.evicted, droppedSpans: this.dropped };
  }
}
