import { resourceFromAttributes } from '@opentelemetry/resources';
import { createQueueMetrics, type QueueMetrics } from '../../../shared/tracing/metrics';
import { deadUrl, startReceiver, type Receiver } from './otlp-receiver';

const TIMEOUT_MS = 300;
const MARGIN_MS = 250;
const SECRET = 'Bearer very-secret-token';

describe('Queue metrics: a collector that is down or silent', () => {
  let receiver: Receiver | undefined;
  let metrics: QueueMetrics;
  let logged: string[];

  const start = (url: string) => {
    logged = [];
    metrics = createQueueMetrics({
      url,
      headers: { authorization: SECRET },
      resource: resourceFromAttributes({ 'service.name': 'svc' }),
      exemplars: true,
      exportTimeoutMs: TIMEOUT_MS,
      log: (message) => logged.push(message),
    });
  };

  /** Records something (empty flushes send nothing), flushes, and returns how long the flush took. */
  async function timedFlush(): Promise<number> {
    metrics.countError('redis', { queue: 'q' });
    const started = performance.now();
    await metrics.flush();
    return performance.now() - started;
  }

  afterEach(async () => {
    await metrics.shutdown();
    await receiver?.close();
    receiver = undefined;
  });

  it('resolves flush without throwing when nothing listens, and logs the failure once, not per flush', async () => {
    start(await deadUrl());

    for (let i = 0; i < 3; i++) expect(await timedFlush()).toBeLessThan(TIMEOUT_MS + MARGIN_MS);

    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/ECONNREFUSED/);
  });

  it('gives up on a collector that never answers within the timeout, and logs that once', async () => {
    receiver = await startReceiver();
    receiver.behave('never-answer');
    start(receiver.url);

    for (let i = 0; i < 2; i++) {
      const took = await timedFlush();
      expect(took).toBeGreaterThanOrEqual(TIMEOUT_MS - 10);
      expect(took).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    }

    expect(receiver.requests).toHaveLength(2);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/timeout/);
  });

  it('logs each distinct kind of failure once', async () => {
    receiver = await startReceiver();
    start(receiver.url);

    receiver.behave({ status: 503 });
    await timedFlush();
    await timedFlush();
    receiver.behave({ status: 400 });
    await timedFlush();
    receiver.behave('never-answer');
    await timedFlush();
    await timedFlush();

    expect(logged).toHaveLength(3);
    expect(logged.map((m) => m.match(/\((.+?)\)/)?.[1])).toEqual(['http 503', 'http 400', 'timeout']);
  });

  it('names the endpoint but never a header value or the credentials in the URL', async () => {
    const url = new URL(await deadUrl());
    url.username = 'user';
    url.password = 'hunter2';
    url.search = '?token=abc123';
    start(url.toString());

    await timedFlush();

    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(`${url.origin}${url.pathname}`);
    for (const secret of [SECRET, 'very-secret-token', 'hunter2', 'abc123']) expect(logged[0]).not.toContain(secret);
  });

  it('survives a header value Node refuses to send, without logging the value', async () => {
    receiver = await startReceiver();
    logged = [];
    metrics = createQueueMetrics({
      url: receiver.url,
      headers: { 'x-api-key': 'line1\nline2-secret' },
      resource: resourceFromAttributes({}),
      exemplars: false,
      log: (message) => logged.push(message),
    });

    await timedFlush();

    expect(receiver.requests).toHaveLength(0);
    expect(logged).toHaveLength(1);
    expect(logged[0]).not.toContain('line2-secret');
  });

  it('recovers when the collector comes back, exporting the next window', async () => {
    receiver = await startReceiver();
    receiver.behave({ status: 503 });
    start(receiver.url);
    await timedFlush();

    receiver.behave('ok');
    await timedFlush();

    expect(receiver.requests).toHaveLength(2);
    expect(logged).toHaveLength(1);
  });
});
