import { Cluster } from 'ioredis';
import { consume, JobQueue, QueueAdmin } from '../../shared/queue';
import { JobSchedulers } from '../../shared/queue/schedulers';
import { startRedisCluster } from '../support/redis-cluster';

/**
 * Cluster-mode Redis (as on cluster-mode ElastiCache): three masters, the namespace's keys in one slot
 * thanks to its hash tag. Every script, the blocking wait and purge-all must work there unchanged.
 */
describe('on a Redis Cluster', () => {
  let cluster: Awaited<ReturnType<typeof startRedisCluster>>;
  let redis: Cluster;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    redis = new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0]!.port }]);
  }, 30_000);

  afterAll(async () => {
    redis?.disconnect();
    await cluster?.stop();
  });

  it('runs the whole job life cycle: enqueue, blocking dequeue, retry, dead letter, requeue, ack, admin', async () => {
    const options = { namespace: 'orders', backoff: { baseMs: 10, capMs: 10 } };
    const queue = new JobQueue(redis, options);
    const admin = new QueueAdmin(redis, options);

    const waiting = queue.dequeue({ waitMs: 5000 });
    await new Promise((r) => setTimeout(r, 100));
    const { id } = await queue.enqueue({ type: 'noop', priority: 'high', maxAttempts: 2, idempotencyKey: 'o-1' });
    const [first] = await waiting;
    expect(first?.id).toBe(id);
    expect((await queue.enqueue({ type: 'noop', idempotencyKey: 'o-1' })).duplicate).toBe(true);

    await queue.nack(first!, 'try again');
    const [second] = await queue.dequeue({ waitMs: 2000 });
    expect(second).toMatchObject({ id, attempts: 2 });
    expect(await queue.nack(second!, 'still failing')).toEqual({ outcome: 'dead' });
    expect((await admin.deadLetters(5)).map((d) => d.job.id)).toEqual([id]);

    expect(await admin.requeue({ all: true })).toMatchObject({ requeued: 1 });
    expect((await admin.peek('default', 5)).map((j) => j.id)).toEqual([id]);
    const summary = await consume(queue, async () => undefined, { idleMs: 100, waitMs: 50, prefetch: 2 });
    expect(summary.succeeded).toBe(1);
    expect(await admin.info(id)).toMatchObject({ state: 'completed', requeues: 1 });
    expect((await admin.stats()).queues[0]!.counters).toMatchObject({ enqueued: 1, completed: 1, deadLettered: 1, requeued: 1 });

    queue.close();
    await admin.purgeAll();
    const keys = (await Promise.all(redis.nodes('master').map((n) => n.keys('{orders}:*')))).flat();
    expect(keys).toEqual([]);
  });

  it('runs the job controls: delays, cancel, progress and results, pause, limits and schedulers', async () => {
    const options = { namespace: 'controls' };
    const queue = new JobQueue(redis, options);
    const admin = new QueueAdmin(redis, options);
    const schedulers = new JobSchedulers(redis, options);
    const later = await queue.enqueue({ type: 'noop', delayMs: 600_000 });
    expect((await queue.cancel(later.id)).from).toBe('delayed');
    await admin.pause('default', { reason: 'cluster test', at: new Date(0).toISOString(), by: 'test' });
    const { id } = await queue.enqueue({ type: 'noop' });
    expect(await queue.dequeue()).toEqual([]);
    await admin.resume('default');
    await admin.setLimits('default', { concurrency: 1, rate: { max: 10, perMs: 60_000 } });
    const [job] = await queue.dequeue({ count: 5 });
    expect(await queue.progress(job!, 50)).toBe(true);
    expect(await queue.tryAck(job!, { ok: true })).toBe(true);
    expect(await admin.info(id)).toMatchObject({ state: 'completed', progress: 50, result: { ok: true } });
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    await schedulers.set({ name: 'tick', everyMs: 60_000, job: { type: 'noop' } }, t0);
    expect(await schedulers.fire({ now: t0 + 61_000 })).toHaveLength(1);
    expect((await admin.stats()).queues[0]).toMatchObject({ waiting: 1, limits: { concurrency: 1 }, counters: { cancelled: 1 } });
    queue.close();
    await admin.purgeAll();
  });
});
