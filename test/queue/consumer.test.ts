import { consume, JobQueue, JobTimeoutError, type Job, type JobOutcome } from '../../shared/queue';
import { startRedisServer } from '../../tools/local/redis-server';
import { createRedisClient } from '../../shared/redis';
import { connect, queueFixtures, sleep } from '../support/redis';

const make = queueFixtures('consumer');

describe('consume', () => {
  it('runs every job once, never more at a time than its concurrency, and acknowledges them', async () => {
    const { queue, admin } = make();
    await queue.enqueueBatch(Array.from({ length: 60 }, (_, i) => ({ type: 'noop', payload: i })));
    let running = 0;
    let peak = 0;
    const seen: unknown[] = [];
    const summary = await consume(
      queue,
      async (job) => {
        running++;
        peak = Math.max(peak, running);
        seen.push(job.payload);
        await sleep(5);
        running--;
      },
      { concurrency: 7, idleMs: 200, waitMs: 100 },
    );
    expect(summary).toEqual({ processed: 60, succeeded: 60, retried: 0, deadLettered: 0, leaseLost: 0, released: 0, abandoned: 0 });
    expect(peak).toBe(7);
    expect([...seen].sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect((await admin.stats()).queues[0]!.counters.completed).toBe(60);
  });

  it('with prefetch, still runs every job exactly once within its concurrency', async () => {
    const { queue } = make();
    await queue.enqueueBatch(Array.from({ length: 300 }, (_, i) => ({ type: 'noop', payload: i })));
    let running = 0;
    let peak = 0;
    const seen = new Set<unknown>();
    const summary = await consume(
      queue,
      async (job) => {
        running++;
        peak = Math.max(peak, running);
        expect(seen.has(job.payload)).toBe(false);
        seen.add(job.payload);
        await new Promise((resolve) => setImmediate(resolve));
        running--;
      },
      { concurrency: 10, prefetch: 10, idleMs: 100, waitMs: 50 },
    );
    expect(summary).toMatchObject({ processed: 300, succeeded: 300, released: 0 });
    expect(seen.size).toBe(300);
    expect(peak).toBeLessThanOrEqual(10);
  });

  it('gives each delivery its own slot, from onReceived through the handler to onSettled, a retry a fresh one', async () => {
    const { queue } = make({ backoff: { baseMs: 0, capMs: 0 } });
    await queue.enqueueBatch([{ type: 'once' }, { type: 'twice', maxAttempts: 2 }]);
    const received: Array<{ delivery: string; handledBy?: string }> = [];
    const settled: Array<[string, JobOutcome['status'], unknown]> = [];
    await consume<{ delivery: string; handledBy?: string }>(
      queue,
      async (job, { slot }) => {
        slot.handledBy = `${job.type}#${job.attempts}`;
        if (job.type === 'twice' && job.attempts === 1) throw new Error('first attempt fails');
      },
      {
        idleMs: 200,
        waitMs: 50,
        onReceived: (job) => {
          const slot = { delivery: `${job.type}#${job.attempts}` };
          received.push(slot);
          return slot;
        },
        onSettled: (job, outcome, slot) => settled.push([`${job.type}#${job.attempts}`, outcome.status, slot]),
      },
    );
    expect(received.map((s) => s.delivery).sort()).toEqual(['once#1', 'twice#1', 'twice#2']);
    expect(settled).toHaveLength(3);
    for (const [delivery, , slot] of settled) {
      // The very object onReceived returned for that delivery, as the handler left it.
      expect(received).toContain(slot);
      expect(slot).toEqual({ delivery, handledBy: delivery });
    }
    expect(settled.find(([d]) => d === 'twice#1')?.[1]).toBe('retried');
  });

  it('hands prefetched jobs back unstarted when it stops', async () => {
    const { queue, admin } = make();
    await queue.enqueueBatch(Array.from({ length: 10 }, () => ({ type: 'noop' })));
    const controller = new AbortController();
    // Stop while the first two jobs run and four more wait in the prefetch buffer.
    setTimeout(() => controller.abort(), 50);
    const summary = await consume(queue, () => sleep(150), { concurrency: 2, prefetch: 4, signal: controller.signal });
    expect(summary.processed).toBe(2);
    expect(summary.released).toBe(4);
    const stats = await admin.stats();
    expect(stats.totals).toEqual({ waiting: 8, active: 0, delayed: 0 });
    expect((await queue.dequeue({ count: 10 })).every((j) => j.attempts === 1)).toBe(true);
  });

  it('retries failures with backoff until the dead-letter queue, and fails fast on non-retryable errors', async () => {
    const { queue, admin } = make({ backoff: { baseMs: 10, capMs: 20 } });
    const [flaky, doomed] = await queue.enqueueBatch([
      { type: 'flaky', maxAttempts: 3 },
      { type: 'doomed', maxAttempts: 3 },
    ]);
    const outcomes: Array<[string, JobOutcome['status']]> = [];
    const summary = await consume(
      queue,
      async (job) => {
        if (job.type === 'doomed') throw Object.assign(new Error('bad input'), { retryable: false });
        throw new Error(`flaky attempt ${job.attempts}`);
      },
      { idleMs: 300, waitMs: 100, onSettled: (job, outcome) => outcomes.push([job.type, outcome.status]) },
    );
    expect(summary).toMatchObject({ processed: 4, succeeded: 0, retried: 2, deadLettered: 2 });
    expect(outcomes).toEqual(
      expect.arrayContaining([
        ['doomed', 'dead'],
        ['flaky', 'retried'],
        ['flaky', 'dead'],
      ]),
    );
    expect(await admin.info(flaky!.id)).toMatchObject({
      state: 'dead',
      deadReason: 'attempts_exhausted',
      job: { lastError: 'flaky attempt 3' },
    });
    expect(await admin.info(doomed!.id)).toMatchObject({ state: 'dead', deadReason: 'non_retryable' });
  });

  it('fails a job that outlives its timeout and aborts its signal', async () => {
    const { queue, admin } = make({ backoff: { baseMs: 60_000, capMs: 60_000 } });
    const { id } = await queue.enqueue({ type: 'slow', timeoutMs: 100 });
    let aborted: unknown;
    const outcomes: JobOutcome[] = [];
    await consume(
      queue,
      (_job, { signal }) =>
        new Promise((resolve) => {
          signal.addEventListener('abort', () => (aborted = signal.reason));
          setTimeout(resolve, 1000);
        }),
      { idleMs: 50, waitMs: 50, onSettled: (_j, o) => outcomes.push(o) },
    );
    expect(aborted).toBeInstanceOf(JobTimeoutError);
    expect(outcomes[0]).toMatchObject({ status: 'retried', error: expect.any(JobTimeoutError) });
    expect(await admin.info(id)).toMatchObject({ state: 'delayed', job: { lastError: `job ${id} timed out after 100 ms` } });
  });

  it('keeps the lease of a job that runs longer than the lease, so nobody else gets it', async () => {
    const { queue, namespace } = make();
    const { id } = await queue.enqueue({ type: 'long' });
    const redis = connect();
    const rival = new JobQueue(redis, { namespace });
    const stolen: Job[] = [];
    const summary = await consume(
      queue,
      async () => {
        for (let i = 0; i < 6; i++) {
          await sleep(120);
          stolen.push(...(await rival.dequeue()));
        }
      },
      { leaseMs: 300, idleMs: 50, waitMs: 50 },
    );
    rival.close();
    redis.disconnect();
    expect(stolen).toEqual([]);
    expect(summary).toMatchObject({ succeeded: 1, leaseLost: 0 });
    expect(id).toBeDefined();
  });

  it('keeps heartbeating a job that a zero-delay retry handed straight back to it', async () => {
    const { queue, namespace } = make({ backoff: { baseMs: 0, capMs: 0 } });
    await queue.enqueue({ type: 'flaky', maxAttempts: 3 });
    const redis = connect();
    const rival = new JobQueue(redis, { namespace });
    const stolen: Job[] = [];
    let secondRunning = false;
    const polling = (async () => {
      for (let i = 0; i < 15; i++) {
        await sleep(100);
        if (secondRunning) stolen.push(...(await rival.dequeue()));
      }
    })();
    const summary = await consume(
      queue,
      async (job) => {
        if (job.attempts === 1) throw new Error('first attempt fails at once');
        secondRunning = true;
        await sleep(1200); // four times the lease: only the heartbeat keeps it
        secondRunning = false;
      },
      // One slot: the nack and the dequeue that takes the job straight back leave in the same turn.
      { leaseMs: 300, idleMs: 100, waitMs: 50, concurrency: 1 },
    );
    await polling;
    rival.close();
    redis.disconnect();
    expect(stolen).toEqual([]);
    expect(summary).toMatchObject({ retried: 1, succeeded: 1, leaseLost: 0 });
  });

  it('keeps the slot of a timed-out handler until it really returns', async () => {
    const { queue } = make({ backoff: { baseMs: 60_000, capMs: 60_000 } });
    await queue.enqueueBatch(Array.from({ length: 4 }, () => ({ type: 'stubborn', timeoutMs: 50 })));
    let running = 0;
    let peak = 0;
    const summary = await consume(
      queue,
      async () => {
        running++;
        peak = Math.max(peak, running);
        await sleep(200); // ignores its abort signal
        running--;
      },
      { concurrency: 1, idleMs: 100, waitMs: 50 },
    );
    expect(peak).toBe(1);
    expect(summary).toMatchObject({ processed: 4, retried: 4, abandoned: 0 });
    expect(running).toBe(0);
  });

  it('returns after a grace period when a timed-out handler never returns, and says so', async () => {
    const { queue, admin } = make({ backoff: { baseMs: 60_000, capMs: 60_000 } });
    const { id } = await queue.enqueue({ type: 'stuck', timeoutMs: 50 });
    const started = Date.now();
    const summary = await consume(queue, () => new Promise(() => undefined), { idleMs: 50, waitMs: 50, abandonGraceMs: 200 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(summary).toMatchObject({ processed: 1, retried: 1, abandoned: 1 });
    expect((await admin.info(id)).state).toBe('delayed');
  });

  it('ends by its deadline even when Redis dies while it waits for work', async () => {
    const own = await startRedisServer();
    const client = createRedisClient({ url: own.url, commandTimeoutMs: 500 });
    client.on('error', () => undefined);
    const queue = new JobQueue(client, { namespace: 'dying' });
    await queue.enqueue({ type: 'noop' });
    const started = Date.now();
    const consuming = consume(queue, async () => undefined, { deadline: Date.now() + 1000, waitMs: 800 }).then(
      (summary) => ({ summary }),
      (error: unknown) => ({ error }),
    );
    await sleep(300);
    await own.stop();
    const result = await consuming;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result).toBeDefined();
    queue.close();
    client.disconnect();
  });

  it('stops taking jobs at its deadline and lets the running ones finish', async () => {
    const { queue, admin } = make();
    await queue.enqueueBatch(Array.from({ length: 20 }, () => ({ type: 'noop' })));
    const finished: string[] = [];
    const summary = await consume(
      queue,
      async (job) => {
        await sleep(60);
        finished.push(job.id);
      },
      { concurrency: 2, deadline: Date.now() + 100 },
    );
    expect(summary.processed).toBe(finished.length);
    expect(summary.processed).toBeGreaterThanOrEqual(2);
    expect(summary.processed).toBeLessThanOrEqual(6);
    expect((await admin.stats()).totals).toMatchObject({ active: 0, waiting: 20 - summary.processed });
  });

  it('stops when its signal aborts', async () => {
    const { queue } = make();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const summary = await consume(queue, async () => undefined, { signal: controller.signal, waitMs: 5000 });
    expect(summary.processed).toBe(0);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('returns once the queues stayed empty for its idle time', async () => {
    const { queue } = make();
    const started = Date.now();
    await consume(queue, async () => undefined, { idleMs: 200, waitMs: 1000 });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(1000);
  });
});
