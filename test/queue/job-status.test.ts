import { consume, JobNotFoundError, JobStateError, QueueArgumentError } from '../../shared/queue';
import { queueFixtures } from '../support/redis';

const make = queueFixtures('status');

describe('a completed job', () => {
  it('keeps its processor’s result, and its start and finish times', async () => {
    const { queue, admin } = make();
    const { id } = await queue.enqueue({ type: 'thumbnail' });
    await consume(queue, async () => ({ url: 's3://bucket/thumb.png', bytes: 2048 }), { idleMs: 50 });
    const info = await admin.info(id);
    expect(info).toMatchObject({ state: 'completed', result: { url: 's3://bucket/thumb.png', bytes: 2048 } });
    expect(info.startedAt).toBeGreaterThanOrEqual(info.job.enqueuedAt);
    expect(info.finishedAt).toBeGreaterThanOrEqual(info.startedAt!);
  });

  it('completes without a result too large or not JSON, and says why it was not kept', async () => {
    const { queue, admin } = make({ maxResultBytes: 100 });
    const big = await queue.enqueue({ type: 'big' });
    const odd = await queue.enqueue({ type: 'odd' });
    await consume(queue, async (job) => (job.type === 'big' ? 'x'.repeat(500) : { n: 10n }), { idleMs: 50 });
    const bigInfo = await admin.info(big.id);
    expect(bigInfo.state).toBe('completed');
    expect(bigInfo.result).toBeUndefined();
    expect(bigInfo.resultOmitted).toBe('502 bytes as JSON; the limit is 100');
    expect((await admin.info(odd.id)).resultOmitted).toMatch(/^not JSON: .*BigInt/);
  });
});

describe('progress', () => {
  it('is stored while the job runs, told to the hook, and readable with the job', async () => {
    const { queue, admin } = make();
    const { id } = await queue.enqueue({ type: 'report' });
    const seen: unknown[] = [];
    const during: unknown[] = [];
    await consume(
      queue,
      async (_job, context) => {
        expect(await context.progress(40)).toBe(true);
        during.push((await admin.info(id)).progress);
        expect(await context.progress({ done: 3, of: 10 })).toBe(true);
      },
      { idleMs: 50, onProgress: (_job, value) => seen.push(value) },
    );
    expect(during).toEqual([40]);
    expect(seen).toEqual([40, { done: 3, of: 10 }]);
    expect((await admin.info(id)).progress).toEqual({ done: 3, of: 10 });
  });

  it('refuses what it cannot keep, and is not stored once the lease is lost', async () => {
    const { queue } = make();
    await queue.enqueue({ type: 'report' });
    const [job] = await queue.dequeue();
    for (const bad of [101, -1, Number.NaN, undefined, null, 'x'.repeat(2000)]) {
      await expect(queue.progress(job!, bad)).rejects.toBeInstanceOf(QueueArgumentError);
    }
    await queue.ack(job!);
    expect(await queue.progress(job!, 50)).toBe(false);
  });
});

describe('cancel', () => {
  it('takes a waiting or a delayed job out for good, and leaves the others in order', async () => {
    const { queue, admin } = make();
    const [a, b, c] = await queue.enqueueBatch([{ type: 'noop' }, { type: 'noop' }, { type: 'noop' }]);
    const later = await queue.enqueue({ type: 'noop', delayMs: 600_000 });
    expect(await queue.cancel(b!.id)).toMatchObject({ id: b!.id, from: 'waiting' });
    expect(await queue.cancel(later.id)).toMatchObject({ from: 'delayed' });
    // Again: the same answer, nothing changes.
    const again = await queue.cancel(b!.id);
    expect(again.from).toBeNull();
    expect((await queue.dequeue({ count: 10 })).map((j) => j.id)).toEqual([a!.id, c!.id]);
    const info = await admin.info(b!.id);
    expect(info).toMatchObject({ state: 'cancelled', finishedAt: again.cancelledAt });
    const stats = (await admin.stats()).queues.find((q) => q.name === 'default')!;
    expect(stats).toMatchObject({ delayed: 0, counters: { cancelled: 2 } });
  });

  it('refuses a job that runs or has finished, naming its state', async () => {
    const { queue } = make({ defaultMaxAttempts: 1 });
    const [running, done, dead] = await queue.enqueueBatch([{ type: 'noop' }, { type: 'noop' }, { type: 'noop' }]);
    const taken = await queue.dequeue({ count: 3 });
    await queue.ack(taken[1]!);
    await queue.nack(taken[2]!, new Error('boom'));
    for (const [job, state] of [
      [running, 'active'],
      [done, 'completed'],
      [dead, 'dead'],
    ] as const) {
      const error = await queue.cancel(job!.id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(JobStateError);
      expect(error).toMatchObject({ state, message: `job ${job!.id} is ${state}: only a waiting or delayed job can be cancelled` });
    }
    await expect(queue.cancel('01HZZZZZZZZZZZZZZZZZZZZZZZ')).rejects.toBeInstanceOf(JobNotFoundError);
    await expect(queue.cancel('nope')).rejects.toBeInstanceOf(QueueArgumentError);
  });
});
