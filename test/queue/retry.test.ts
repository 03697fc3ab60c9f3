import { backoffDelay } from '../../shared/queue';
import { queueFixtures, sleep } from '../support/redis';

const make = queueFixtures('retry');

describe('backoffDelay', () => {
  const policy = { baseMs: 100, capMs: 1000 };

  it('doubles the step per attempt and never exceeds the cap', () => {
    const lowest = [1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, policy, () => 0));
    const highest = [1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, policy, () => 1));
    expect(lowest).toEqual([50, 100, 200, 400, 500, 500]);
    expect(highest).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('jitters within the upper half of the step', () => {
    for (let i = 0; i < 1000; i++) {
      const d = backoffDelay(3, policy);
      expect(d).toBeGreaterThanOrEqual(200);
      expect(d).toBeLessThanOrEqual(400);
    }
  });
});

describe('retries and the dead-letter queue', () => {
  it('schedules a retryable failure after a growing, capped backoff without holding the job', async () => {
    const { queue, admin } = make({ backoff: { baseMs: 80, capMs: 200 } });
    const { id } = await queue.enqueue({ type: 'noop', maxAttempts: 6 });
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      const [job] = await queue.dequeue({ waitMs: 2000 });
      expect(job).toMatchObject({ id, attempts: attempt });
      const result = await queue.nack(job!, new Error(`boom ${attempt}`));
      if (result.outcome !== 'retry') throw new Error('expected a retry');
      // Exact, from the server's own clock: due time minus the time the failure was recorded.
      const info = await admin.info(id);
      expect(info.state).toBe('delayed');
      delays.push(info.since! - info.failures[info.failures.length - 1]!.at);
      // While it waits out its backoff the job is delayed, not held by anyone.
      expect((await admin.stats()).totals).toMatchObject({ active: 0, delayed: 1, waiting: 0 });
    }
    // Steps 80, 160, 200 (capped), 200, 200; equal jitter draws from the upper half of each step.
    const steps = [80, 160, 200, 200, 200];
    delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(steps[i]! / 2);
      expect(d).toBeLessThanOrEqual(steps[i]!);
    });
    expect(Math.max(...delays)).toBeLessThanOrEqual(200); // never beyond the cap
  });

  it('promotes a due retry back to its queue and wakes a waiting consumer for it', async () => {
    const { queue } = make();
    const { id } = await queue.enqueue({ type: 'noop' });
    const [job] = await queue.dequeue();
    await queue.nack(job!, 'transient', { delayMs: 300 });
    const started = Date.now();
    const [again] = await queue.dequeue({ waitMs: 5000 });
    const waited = Date.now() - started;
    expect(again).toMatchObject({ id, attempts: 2, lastError: 'transient' });
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(1500);
  });

  it('dead-letters a job out of attempts with its reason and the history of every attempt', async () => {
    const { queue, admin } = make({ backoff: { baseMs: 0, capMs: 0 } });
    const { id } = await queue.enqueue({ type: 'noop', maxAttempts: 3 });
    const outcomes: string[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const [job] = await queue.dequeue();
      outcomes.push((await queue.nack(job!, new Error(`failure ${attempt}`))).outcome);
    }
    expect(outcomes).toEqual(['retry', 'retry', 'dead']);
    const info = await admin.info(id);
    expect(info).toMatchObject({ state: 'dead', deadReason: 'attempts_exhausted', job: { attempts: 3, lastError: 'failure 3' } });
    expect(info.failures.map((f) => [f.attempt, f.error, f.kind])).toEqual([
      [1, 'failure 1', 'error'],
      [2, 'failure 2', 'error'],
      [3, 'failure 3', 'error'],
    ]);
    expect(info.failures.every((f) => f.at > 0)).toBe(true);
    const stats = await admin.stats();
    expect(stats.dead).toBe(1);
    expect(stats.queues[0]!.counters).toMatchObject({ failed: 3, retried: 2, deadLettered: 1, completed: 0 });
  });

  it('dead-letters a non-retryable failure at once', async () => {
    const { queue, admin } = make();
    const { id } = await queue.enqueue({ type: 'noop', maxAttempts: 5 });
    const [job] = await queue.dequeue();
    expect(await queue.nack(job!, new Error('bad input'), { retryable: false })).toEqual({ outcome: 'dead' });
    expect(await admin.info(id)).toMatchObject({ state: 'dead', deadReason: 'non_retryable', failures: [{ kind: 'non_retryable' }] });
  });

  it('truncates very long error messages', async () => {
    const { queue, admin } = make();
    const { id } = await queue.enqueue({ type: 'noop' });
    const [job] = await queue.dequeue();
    await queue.nack(job!, new Error('x'.repeat(10_000)), { delayMs: 60_000 });
    expect((await admin.info(id)).job.lastError!.length).toBeLessThanOrEqual(4097);
  });

  it('retries immediately when the delay is zero', async () => {
    const { queue } = make();
    await queue.enqueue({ type: 'noop' });
    const [job] = await queue.dequeue();
    await queue.nack(job!, 'again', { delayMs: 0 });
    await sleep(1);
    expect(await queue.dequeue()).toEqual([expect.objectContaining({ attempts: 2 })]);
  });
});
