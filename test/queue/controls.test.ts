import { consume, QueueArgumentError, type HeldBack, type HeldFor, type JobQueue } from '../../shared/queue';
import { connect, queueFixtures, sleep } from '../support/redis';
import { JobQueue as Queue } from '../../shared/queue';

const make = queueFixtures('controls');
const by = { reason: 'maintenance window', at: '2026-12-03T10:00:00.000Z', by: 'arn:aws:iam::123456789012:user/ops' };

/** `n` pollers, each its own connection, as fanned-out pollers are. */
function pollers(namespace: string, n: number): { queues: JobQueue[]; close(): void } {
  const clients = Array.from({ length: n }, () => connect());
  return {
    queues: clients.map((c) => new Queue(c, { namespace })),
    close: () => clients.forEach((c) => c.disconnect()),
  };
}

describe('pause and resume', () => {
  it('keep accepting jobs while paused, hand none out, then resume in the original order', async () => {
    const { queue, admin } = make();
    const first = await queue.enqueue({ type: 'noop' });
    const [running] = await queue.dequeue();
    const paused = await admin.pause('default', by);
    expect(paused).toMatchObject({ changed: true, paused: by });
    expect((await admin.pause('default', { ...by, reason: 'again' })).paused).toEqual(by); // the first pause's record stays
    const ids = (await queue.enqueueBatch([{ type: 'noop' }, { type: 'noop' }, { type: 'noop' }])).map((r) => r.id);
    const held: HeldBack[] = [];
    expect(await queue.dequeue({ count: 10, onHeld: (h) => held.push(...h) })).toEqual([]);
    expect(held).toEqual([{ queue: 'default', reason: 'paused' }]);
    // A job in flight when the pause came finishes normally.
    await queue.ack(running!);
    expect(running!.id).toBe(first.id);
    const stats = (await admin.stats()).queues.find((q) => q.name === 'default')!;
    expect(stats).toMatchObject({ waiting: 3, paused: by, heldBack: 'paused' });
    expect((await admin.resume('default')).changed).toBe(true);
    expect((await admin.resume('default')).changed).toBe(false);
    expect((await queue.dequeue({ count: 10 })).map((j) => j.id)).toEqual(ids);
  });

  it('wake a consumer waiting on a paused queue when it is resumed', async () => {
    const { queue, admin } = make();
    await admin.pause('default', by);
    const { id } = await queue.enqueue({ type: 'noop' });
    const waiting = queue.dequeue({ waitMs: 5000 });
    await sleep(100);
    await admin.resume('default');
    expect((await waiting)[0]?.id).toBe(id);
  });
});

describe('concurrency limits', () => {
  it('hold in flight to the limit over every poller together, and run every job in its order', async () => {
    const { queue, admin, namespace } = make();
    await admin.setLimits('default', { concurrency: 3, rate: null });
    const ids = (await queue.enqueueBatch(Array.from({ length: 30 }, () => ({ type: 'noop' })))).map((r) => r.id);
    const group = pollers(namespace, 4);
    let running = 0;
    let most = 0;
    const started: string[][] = group.queues.map(() => []);
    const holds: HeldFor[] = [];
    const summaries = await Promise.all(
      group.queues.map((q, i) =>
        consume(
          q,
          async (job) => {
            started[i]!.push(job.id);
            most = Math.max(most, ++running);
            await sleep(15);
            running--;
          },
          { concurrency: 5, idleMs: 400, waitMs: 200, onReceived: (_job, _at, held) => void (held && holds.push(held)) },
        ),
      ),
    ).finally(() => group.close());
    expect(summaries.reduce((n, s) => n + s.succeeded, 0)).toBe(30);
    expect(most).toBe(3);
    // Every job ran once, and each poller got them in their order: nobody lost their place.
    expect(started.flat().sort()).toEqual(ids);
    for (const own of started) expect(own).toEqual([...own].sort());
    expect(holds.length).toBeGreaterThan(0);
    expect(holds.every((h) => h.reason === 'concurrency' && h.ms >= 0)).toBe(true);
  });

  it('show in stats when the limit is holding jobs back', async () => {
    const { queue, admin } = make();
    await admin.setLimits('default', { concurrency: 2, rate: null });
    await queue.enqueueBatch([{ type: 'noop' }, { type: 'noop' }, { type: 'noop' }]);
    const taken = await queue.dequeue({ count: 10 });
    expect(taken).toHaveLength(2);
    const entry = (await admin.stats()).queues.find((q) => q.name === 'default')!;
    expect(entry).toMatchObject({ active: 2, waiting: 1, heldBack: 'concurrency', limits: { concurrency: 2, rate: null } });
    await queue.ack(taken[0]!);
    expect(await queue.dequeue({ count: 10 })).toHaveLength(1);
  });
});

describe('rate limits', () => {
  it('start at most the rate per window over every poller, and the rest when the window ends', async () => {
    const { queue, admin, namespace, redis } = make();
    await admin.setLimits('default', { concurrency: null, rate: { max: 5, perMs: 60_000 } });
    const ids = (await queue.enqueueBatch(Array.from({ length: 12 }, () => ({ type: 'noop' })))).map((r) => r.id);
    const group = pollers(namespace, 4);
    const held: HeldBack[] = [];
    const first = (await Promise.all(group.queues.map((q) => q.dequeue({ count: 10, onHeld: (h) => held.push(...h) })))).flat();
    expect(first.map((j) => j.id).sort()).toEqual(ids.slice(0, 5).sort());
    expect(held.some((h) => h.reason === 'rate')).toBe(true);
    const entry = (await admin.stats()).queues.find((q) => q.name === 'default')!;
    expect(entry).toMatchObject({ waiting: 7, heldBack: 'rate', limits: { rate: { max: 5, perMs: 60_000 } } });
    expect(entry.rateWindow!.used).toBe(5);
    expect(entry.rateWindow!.resetsInMs).toBeGreaterThan(50_000);
    // The window ends (its counter expires, as it would after 60 s).
    await redis.pexpire(`{${namespace}}:q:default:rate`, 1);
    await sleep(5);
    const second = (await Promise.all(group.queues.map((q) => q.dequeue({ count: 10 })))).flat();
    group.close();
    expect(second.map((j) => j.id).sort()).toEqual(ids.slice(5, 10).sort());
  });

  it('refuse limits that make no sense, and lift them with null', async () => {
    const { queue, admin } = make();
    await expect(admin.setLimits('default', { concurrency: 0, rate: null })).rejects.toBeInstanceOf(QueueArgumentError);
    await expect(admin.setLimits('default', { concurrency: null, rate: { max: 5, perMs: 0 } })).rejects.toMatchObject({
      argument: 'rate.perMs',
    });
    await expect(admin.setLimits('no:colons', { concurrency: 1, rate: null })).rejects.toMatchObject({ argument: 'queue' });
    await admin.setLimits('default', { concurrency: 1, rate: null });
    await queue.enqueueBatch([{ type: 'noop' }, { type: 'noop' }]);
    expect(await queue.dequeue({ count: 5 })).toHaveLength(1);
    expect((await admin.setLimits('default', { concurrency: null, rate: null })).limits).toEqual({ concurrency: null, rate: null });
    expect(await queue.dequeue({ count: 5 })).toHaveLength(1);
  });
});
