import { QueueArgumentError, type Job } from '../../shared/queue';
import { JobQueue } from '../../shared/queue';
import { createRedisClient } from '../../shared/redis';
import { connect, queueFixtures, redisUrl, sleep } from '../support/redis';

const make = queueFixtures('dequeue');

/** Counts the script calls a client sends, to tell blocking from polling. */
function countScriptCalls(client: { sendCommand: (cmd: { name: string }) => unknown }): () => number {
  let calls = 0;
  const send = client.sendCommand.bind(client);
  client.sendCommand = (cmd: { name: string }) => {
    if (cmd.name === 'evalsha' || cmd.name === 'eval') calls++;
    return send(cmd);
  };
  return () => calls;
}

describe('dequeue', () => {
  it('takes higher priorities first and keeps FIFO order within a priority', async () => {
    const { queue } = make();
    const names = ['low-1', 'high-1', 'low-2', 'high-2', 'low-3'];
    for (const name of names) await queue.enqueue({ type: 'noop', priority: name.split('-')[0], payload: name });
    const taken = await queue.dequeue({ count: 10 });
    expect(taken.map((j) => j.payload)).toEqual(['high-1', 'high-2', 'low-1', 'low-2', 'low-3']);
  });

  it('honours a custom priority list from highest to lowest', async () => {
    const { queue } = make({ priorities: ['p0', 'p1', 'p2'] });
    await queue.enqueueBatch([
      { type: 'noop', priority: 'p2' },
      { type: 'noop', priority: 'p1' },
      { type: 'noop', priority: 'p0' },
    ]);
    expect((await queue.dequeue({ count: 3 })).map((j) => j.priority)).toEqual(['p0', 'p1', 'p2']);
  });

  it('takes only from the queues asked for, by priority across them', async () => {
    const { queue } = make();
    await queue.enqueueBatch([
      { type: 'noop', queue: 'a', priority: 'low', payload: 'a-low' },
      { type: 'noop', queue: 'b', priority: 'high', payload: 'b-high' },
      { type: 'noop', queue: 'c', priority: 'high', payload: 'c-high' },
    ]);
    expect((await queue.dequeue({ queues: ['a', 'b'], count: 5 })).map((j) => j.payload)).toEqual(['b-high', 'a-low']);
  });

  it('counts the attempt and leases the job', async () => {
    const { queue, admin } = make();
    const { id } = await queue.enqueue({ type: 'noop' });
    const [job] = await queue.dequeue({ leaseMs: 60_000 });
    expect(job).toMatchObject({ id, attempts: 1 });
    const info = await admin.info(id);
    expect(info.state).toBe('active');
    expect(info.since! - Date.now()).toBeGreaterThan(50_000);
  });

  it('never gives one job to two of many concurrent consumers while its lease is live', async () => {
    const { queue: producer, namespace } = make();
    const total = 600;
    await producer.enqueueBatch(Array.from({ length: total }, (_, i) => ({ type: 'noop', payload: i })));
    // Twelve consumers, each on its own connection, racing with batches of random size.
    const consumers = Array.from({ length: 12 }, () => {
      const redis = connect();
      return { redis, queue: new JobQueue(redis, { namespace }) };
    });
    const seen: Job[] = [];
    await Promise.all(
      consumers.map(async ({ queue }) => {
        for (;;) {
          const jobs = await queue.dequeue({ count: 1 + Math.floor(Math.random() * 7), leaseMs: 60_000 });
          if (jobs.length === 0) return;
          seen.push(...jobs);
        }
      }),
    );
    for (const c of consumers) {
      c.queue.close();
      c.redis.disconnect();
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen.map((j) => j.id)).size).toBe(total);
    expect(seen.every((j) => j.attempts === 1)).toBe(true);
  });

  it('waits for work by blocking, not polling, and wakes as soon as a job arrives', async () => {
    const { queue, redis } = make();
    const calls = countScriptCalls(redis as never);
    const started = Date.now();
    const waiting = queue.dequeue({ waitMs: 5000 });
    await sleep(600);
    const sent = Date.now();
    await queue.enqueue({ type: 'noop', payload: 'late' });
    const [job] = await waiting;
    expect(job?.payload).toBe('late');
    expect(Date.now() - sent).toBeLessThan(1000);
    expect(Date.now() - started).toBeLessThan(4000);
    // One empty dequeue, the enqueue, the dequeue that took the job: a poller would have made dozens.
    expect(calls()).toBeLessThanOrEqual(4);
  });

  it('returns nothing once the wait is over', async () => {
    const { queue } = make();
    const started = Date.now();
    expect(await queue.dequeue({ waitMs: 300 })).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('ends a wait early when its signal aborts', async () => {
    const { queue } = make();
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 100);
    expect(await queue.dequeue({ waitMs: 10_000, signal: controller.signal })).toEqual([]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('takes nothing once its wait is aborted, even when a job arrives at that moment', async () => {
    const { queue, admin } = make();
    const controller = new AbortController();
    const waiting = queue.dequeue({ waitMs: 10_000, signal: controller.signal });
    await sleep(50);
    controller.abort();
    const { id } = await queue.enqueue({ type: 'noop' });
    expect(await waiting).toEqual([]);
    expect(await admin.info(id)).toMatchObject({ state: 'waiting', job: { attempts: 0 } });
  });

  it('waits by blocking from a fail-fast client too, and its first command needs no warm-up', async () => {
    const { namespace } = make();
    const client = createRedisClient({ url: redisUrl(), failFast: true });
    const queue = new JobQueue(client, { namespace });
    await queue.enqueue({ type: 'noop' }); // the very first command, on a connection still being made
    await queue.dequeue();
    const calls = countScriptCalls(client as never);
    expect(await queue.dequeue({ waitMs: 500 })).toEqual([]);
    expect(calls()).toBeLessThanOrEqual(3);
    queue.close();
    client.disconnect();
  });

  it('ends waits in progress when the queue closes', async () => {
    const { redis, namespace } = make();
    const queue = new JobQueue(redis, { namespace });
    const waiting = queue.dequeue({ waitMs: 10_000 });
    await sleep(50);
    queue.close();
    await expect(waiting).resolves.toEqual([]);
  });

  it('wakes every waiting consumer when a batch brings enough work for all', async () => {
    const { queue: producer, namespace } = make();
    const consumers = Array.from({ length: 4 }, () => {
      const redis = connect();
      return { redis, queue: new JobQueue(redis, { namespace }) };
    });
    const waits = consumers.map((c) => c.queue.dequeue({ waitMs: 5000, count: 2 }));
    await sleep(200);
    await producer.enqueueBatch(Array.from({ length: 8 }, () => ({ type: 'noop' })));
    const got = await Promise.all(waits);
    for (const c of consumers) {
      c.queue.close();
      c.redis.disconnect();
    }
    expect(got.map((jobs) => jobs.length)).toEqual([2, 2, 2, 2]);
  });

  it('rejects bad arguments with a typed error', async () => {
    const { queue } = make();
    await expect(queue.dequeue({ count: 0 })).rejects.toBeInstanceOf(QueueArgumentError);
    await expect(queue.dequeue({ queues: [] })).rejects.toBeInstanceOf(QueueArgumentError);
    await expect(queue.dequeue({ queues: ['x y'] })).rejects.toMatchObject({ argument: 'queues' });
    await expect(queue.dequeue({ waitMs: Number.NaN })).rejects.toMatchObject({ argument: 'waitMs' });
    await expect(queue.dequeue({ leaseMs: 0 })).rejects.toMatchObject({ argument: 'leaseMs' });
  });
});

describe('records written before the spec left out the record’s own fields', () => {
  it('are still read whole: id, queue, priority and maxAttempts from the old spec', async () => {
    const { queue, redis, namespace } = make();
    const id = '01HZZZZZZZZZZZZZZZZZZZZZZ0';
    const spec = { id, queue: 'default', priority: 'low', type: 'noop', maxAttempts: 4, createdAt: 1, trace: {}, payload: { old: true } };
    await redis.hset(`{${namespace}}:job:${id}`, { d: JSON.stringify(spec), q: 'default', p: 'low', m: 4, a: 0, e: 1 });
    await redis.rpush(`{${namespace}}:q:default:wait:low`, id);
    const [job] = await queue.dequeue();
    expect(job).toMatchObject({ id, queue: 'default', priority: 'low', maxAttempts: 4, payload: { old: true }, attempts: 1 });
  });
});
