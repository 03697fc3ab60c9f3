import { createNoopQueueMetrics } from '../../../shared/tracing/metrics';

describe('Queue metrics: disabled', () => {
  it('does nothing when tracing is disabled, and allocates nothing per call', async () => {
    const metrics = createNoopQueueMetrics();

    metrics.recordEnqueueDuration(1, { queue: 'q', priority: 'p' });
    metrics.countError('x', { queue: 'q' });
    metrics.setQueueDepth('q', 'p', 3);

    await expect(metrics.flush()).resolves.toBeUndefined();
    await expect(metrics.shutdown()).resolves.toBeUndefined();
    expect(createNoopQueueMetrics()).toBe(metrics);
    expect(metrics.flush()).toBe(metrics.flush());
  });
});
