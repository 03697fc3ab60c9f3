import { isValidSpanId, isValidTraceId } from '@opentelemetry/api';
import { RandomIds } from '../../shared/tracing/random-ids';
import { XRayIdGenerator } from '../../shared/tracing/xray-id-generator';

describe('X-Ray trace ids', () => {
  it('begin with the epoch seconds of their creation, from the clock they are given', () => {
    let now = 1_700_000_000_999;
    const ids = new XRayIdGenerator(() => now);
    expect(ids.generateTraceId().slice(0, 8)).toBe((1_700_000_000).toString(16));
    now += 61_000;
    expect(ids.generateTraceId().slice(0, 8)).toBe((1_700_000_061).toString(16));
  });

  it('zero-pad an early time to eight hex digits', () => {
    expect(new XRayIdGenerator(() => 255_000).generateTraceId().slice(0, 8)).toBe('000000ff');
  });

  it('are valid W3C ids with a random rest, and span ids are random 64-bit ids', () => {
    const ids = new XRayIdGenerator(() => 1_700_000_000_000);
    const traces = Array.from({ length: 100 }, () => ids.generateTraceId());
    const spans = Array.from({ length: 100 }, () => ids.generateSpanId());
    expect(traces.every((t) => /^[0-9a-f]{32}$/.test(t) && isValidTraceId(t))).toBe(true);
    expect(new Set(traces.map((t) => t.slice(8))).size).toBe(100);
    expect(spans.every((s) => isValidSpanId(s))).toBe(true);
    expect(new Set(spans).size).toBe(100);
  });
});

describe('random ids', () => {
  it('are valid, distinct W3C ids across many refills of their random pool', () => {
    const ids = new RandomIds();
    // 2,000 of each: about 72 KB of hex, many 4 KiB pools.
    const traces = Array.from({ length: 2000 }, () => ids.generateTraceId());
    const spans = Array.from({ length: 2000 }, () => ids.generateSpanId());
    expect(traces.every((t) => /^[0-9a-f]{32}$/.test(t) && isValidTraceId(t))).toBe(true);
    expect(spans.every((s) => /^[0-9a-f]{16}$/.test(s) && isValidSpanId(s))).toBe(true);
    expect(new Set(traces).size).toBe(2000);
    expect(new Set(spans).size).toBe(2000);
    // Random, not a counter: the digits are about evenly spread.
    const counts = new Map<string, number>();
    for (const c of traces.join('')) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(16);
    for (const n of counts.values()) expect(Math.abs(n / 4000 - 1)).toBeLessThan(0.1);
  });
});
