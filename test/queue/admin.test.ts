import { JobNotFoundError, JobQueue, QueueArgumentError } from '../../shared/queue';
import { queueFixtures, sleep } from '../support/redis';

const make = queueFixtures('admin');

describe('stats', () => {
  it('reports depth per queue and priority, in flight, delayed, dead, counters and the oldest waiting job', async () => {
    const { queue, admin } = make();
    await queue.enqueueBatch([
      { type: 'noop', queue: 'mail', priority: 'high' },
      { type: 'noop', queue: 'mail', priority: 'low' },
      { type: 'noop', queue: 'mail', priority: 'low' },
      { type: 'noop', queue: 'video', priority: 'low' },
      { type: 'noop', queue: 'video', priority: 'low' },
    ]);
    await sleep(30);
    const [taken] = await queue.dequeue({ queues: ['video'] });
    const [failing] = await queue.dequeue({ queues: ['video'] });
    await queue.ack(taken!);
    await queue.nack(failing!, 'later', { delayMs: 60_000 });
    await queue.enqueue({ type: 'noop', queue: 'video' });
    await queue.dequeue({ queues: ['video'] });

    const stats = await admin.stats();
    expect(stats.queues.map((q) => q.name)).toEqual(['mail', 'video']);
    const [mail, video] = stats.queues;
    expect(mail).toMatchObject({ waiting: 3, active: 0, delayed: 0, counters: { enqueued: 3, completed: 0 } });
    expect(mail!.priorities).toEqual([
      { name: 'high', waiting: 1, oldestAgeMs: expect.any(Number) },
      { name: 'low', waiting: 2, oldestAgeMs: expect.any(Number) },
    ]);
    expect(mail!.oldestAgeMs).toBeGreaterThanOrEqual(25);
    expect(video).toMatchObject({
      waiting: 0,
      active: 1,
      delayed: 1,
      oldestAgeMs: null,
      counters: { enqueued: 3, completed: 1, failed: 1, retried: 1 },
    });
    expect(stats.totals).toEqual({ waiting: 3, active: 1, delayed: 1 });
    expect(stats).toMatchObject({ dead: 0, completedHistory: 1 });
  });

  it('is empty for a namespace nobody used', async () => {
    const { admin } = make();
    expect(await admin.stats()).toMatchObject({ queues: [], totals: { waiting: 0, active: 0, delayed: 0 }, dead: 0, completedHistory: 0 });
  });
});

describe('peek', () => {
  it('lists the next jobs in exactly the order dequeue takes them, due retries included', async () => {
    const { queue, admin } = make();
    await queue.enqueueBatch(
      ['l1', 'h1', 'l2', 'h2', 'l3'].map((p) => ({ type: 'noop', priority: p[0] === 'h' ? 'high' : 'low', payload: p })),
    );
    const [retry] = await queue.dequeue();
    await queue.nack(retry!, 'soon', { delayMs: 20 });
    await sleep(40);
    const peeked = await admin.peek('default', 10);
    const taken = await queue.dequeue({ count: 10 });
    expect(peeked.map((j) => j.id)).toEqual(taken.map((j) => j.id));
    // h1 failed once; once due it rejoins the tail of the high list: ahead of every low job.
    expect(peeked.map((j) => j.payload)).toEqual(['h2', 'h1', 'l1', 'l2', 'l3']);
  });

  it('returns at most the count asked for, and rejects bad counts', async () => {
    const { queue, admin } = make();
    await queue.enqueueBatch(Array.from({ length: 5 }, () => ({ type: 'noop' })));
    expect(await admin.peek('default', 2)).toHaveLength(2);
    await expect(admin.peek('default', 0)).rejects.toBeInstanceOf(QueueArgumentError);
    await expect(admin.peek('bad name', 1)).rejects.toBeInstanceOf(QueueArgumentError);
  });
});

describe('info', () => {
  it('tells where a job is in each state', async () => {
    const { queue, admin } = make({ backoff: { baseMs: 60_000, capMs: 60_000 } });
    const [a, b] = await queue.enqueueBatch([{ type: 'noop' }, { type: 'noop' }]);
    expect(await admin.info(b!.id)).toMatchObject({ state: 'waiting', position: 1 });
    const [job] = await queue.dequeue();
    expect(await admin.info(a!.id)).toMatchObject({ state: 'active', since: expect.any(Number) });
    await queue.nack(job!, 'wait a minute');
    const delayed = await admin.info(a!.id);
    expect(delayed.state).toBe('delayed');
    expect(delayed.since! - Date.now()).toBeGreaterThan(20_000);
    expect(await admin.info(b!.id)).toMatchObject({ state: 'waiting', position: 0 });
  });

  it('throws JobNotFoundError for an unknown id and a typed error for a malformed one', async () => {
    const { admin } = make();
    await expect(admin.info('01HZZZZZZZZZZZZZZZZZZZZZZZ')).rejects.toBeInstanceOf(JobNotFoundError);
    await expect(admin.info('not-an-id')).rejects.toBeInstanceOf(QueueArgumentError);
  });
});

describe('purge', () => {
  it('removes a queue’s waiting and delayed jobs, leaves jobs in flight and other queues alone', async () => {
    const { queue, admin } = make({ maxBatchSize: 2000 });
    await queue.enqueueBatch([
      ...Array.from({ length: 1200 }, (_, i) => ({ type: 'noop', priority: i % 2 ? 'high' : 'low' })),
      { type: 'noop', queue: 'other' },
    ]);
    const [inFlight, retrying] = await queue.dequeue({ count: 2 });
    await queue.nack(retrying!, 'later', { delayMs: 60_000 });
    const result = await admin.purgeQueue('default');
    expect(result).toEqual({ target: 'queue:default', removed: 1199 });
    const stats = await admin.stats();
    expect(stats.queues.find((q) => q.name === 'default')).toMatchObject({ waiting: 0, delayed: 0, active: 1, counters: { purged: 1199 } });
    expect(stats.queues.find((q) => q.name === 'other')).toMatchObject({ waiting: 1 });
    await expect(admin.info(retrying!.id)).rejects.toBeInstanceOf(JobNotFoundError);
    await queue.ack(inFlight!);
  });

  it('empties the dead-letter queue', async () => {
    const { queue, admin } = make();
    await queue.enqueueBatch([{ type: 'noop' }, { type: 'noop' }, { type: 'noop' }]);
    for (const job of await queue.dequeue({ count: 3 })) await queue.nack(job, 'fatal', { retryable: false });
    expect(await admin.purgeDead()).toEqual({ target: 'dlq', removed: 3 });
    expect((await admin.stats()).dead).toBe(0);
  });

  it('removes every key of its namespace and nothing of another', async () => {
    const { queue, admin, redis, namespace } = make();
    const neighbour = make();
    await neighbour.queue.enqueue({ type: 'noop' });
    await queue.enqueueBatch([
      { type: 'noop', idempotencyKey: 'k' },
      { type: 'noop', queue: 'q2' },
    ]);
    const [job] = await queue.dequeue();
    await queue.ack(job!);
    const result = await admin.purgeAll();
    expect(result.removed).toBe(2);
    expect(await redis.keys(`{${namespace}}:*`)).toEqual([]);
    expect((await neighbour.admin.stats()).totals.waiting).toBe(1);
  });
});

describe('requeue from the dead-letter queue', () => {
  async function deadJobs(n: number) {
    const fixture = make();
    const results = await fixture.queue.enqueueBatch(Array.from({ length: n }, (_, i) => ({ type: 'noop', payload: i, maxAttempts: 1 })));
    for (const job of await fixture.queue.dequeue({ count: n })) await fixture.queue.nack(job, `failed ${String(job.payload)}`);
    return { ...fixture, ids: results.map((r) => r.id) };
  }

  it('requeues the ids asked for with fresh attempts, keeps their failure history, and reports ids not there', async () => {
    const { queue, admin, ids } = await deadJobs(3);
    const result = await admin.requeue({ ids: [ids[0]!, ids[2]!, '01HZZZZZZZZZZZZZZZZZZZZZZZ'] });
    expect(result).toEqual({ requeued: 2, missing: ['01HZZZZZZZZZZZZZZZZZZZZZZZ'] });
    const info = await admin.info(ids[0]!);
    expect(info).toMatchObject({ state: 'waiting', requeues: 1, job: { attempts: 0 }, failures: [{ error: 'failed 0' }] });
    expect(info.deadReason).toBeUndefined();
    const again = await queue.dequeue({ count: 5 });
    expect(again.map((j) => j.id)).toEqual([ids[0], ids[2]]);
    expect(again.every((j) => j.attempts === 1)).toBe(true);
    expect((await admin.stats()).dead).toBe(1);
  });

  it('finds dead letters due for a redrive past any number of jobs with none left, oldest first', async () => {
    const { admin, redis, queue, ids } = await deadJobs(8);
    // The six oldest used all their redrives (2): a sweep that only looked at the head would stall on them.
    for (const id of ids.slice(0, 6)) await redis.hset(queue.keys.job(id), 'r', 2);
    await redis.hset(queue.keys.job(ids[6]!), 'r', 1);
    expect(await admin.redrivable({ maxRedrives: 2, minAgeMs: 0, limit: 5 })).toEqual([ids[6], ids[7]]);
    expect(await admin.redrivable({ maxRedrives: 2, minAgeMs: 0, limit: 1 })).toEqual([ids[6]]);
    // A scan limit bounds the whole search: 7 entries reach the seventh job, not the eighth.
    expect(await admin.redrivable({ maxRedrives: 2, minAgeMs: 0, limit: 5, scanLimit: 7 })).toEqual([ids[6]]);
    expect(await admin.redrivable({ maxRedrives: 3, minAgeMs: 0, limit: 2 })).toEqual([ids[0], ids[1]]);
    // Not dead long enough: none due.
    expect(await admin.redrivable({ maxRedrives: 2, minAgeMs: 60_000, limit: 5 })).toEqual([]);
    await expect(admin.redrivable({ maxRedrives: -1, minAgeMs: 0, limit: 5 })).rejects.toBeInstanceOf(QueueArgumentError);
  });

  it('lists dead letters oldest first with their reason and failures', async () => {
    const { admin, ids } = await deadJobs(3);
    const dead = await admin.deadLetters(2);
    expect(dead.map((d) => d.job.id)).toEqual(ids.slice(0, 2));
    expect(dead[0]).toMatchObject({ state: 'dead', deadReason: 'attempts_exhausted', failures: [{ error: 'failed 0' }] });
  });

  it('requeues everything dead-lettered even past a long run of ids whose records are gone', async () => {
    const { admin, redis, keys, ids } = await deadJobs(1).then((f) => ({ ...f, keys: f.queue.keys }));
    // 1200 dangling ids, older than the real dead letter (a purge-all racing a failure can leave such).
    await redis.zadd(
      keys.dead,
      ...Array.from({ length: 1200 }, (_, i) => [1, `01HZZZZZZZZZZZZZZZZZZZ${String(i).padStart(4, '0')}`]).flat(),
    );
    expect(await admin.requeue({ all: true })).toEqual({ requeued: 1, missing: [] });
    expect((await admin.info(ids[0]!)).state).toBe('waiting');
    expect((await admin.stats()).dead).toBe(0);
  });

  it('requeues after a delay: the job waits in the delayed set until due', async () => {
    const { queue, admin, ids } = await deadJobs(1);
    expect(await admin.requeue({ ids }, { delayMs: 300 })).toEqual({ requeued: 1, missing: [] });
    expect(await admin.info(ids[0]!)).toMatchObject({ state: 'delayed', requeues: 1 });
    expect(await queue.dequeue()).toEqual([]);
    const [job] = await queue.dequeue({ waitMs: 3000 });
    expect(job).toMatchObject({ id: ids[0], attempts: 1 });
  });

  it('requeues everything dead-lettered', async () => {
    const { admin } = await deadJobs(4);
    expect(await admin.requeue({ all: true })).toEqual({ requeued: 4, missing: [] });
    expect(await admin.stats()).toMatchObject({ dead: 0, totals: { waiting: 4 } });
  });

  it('rejects malformed ids before touching anything', async () => {
    const { admin, ids } = await deadJobs(1);
    await expect(admin.requeue({ ids: [ids[0]!, 'nope'] })).rejects.toBeInstanceOf(QueueArgumentError);
    expect((await admin.stats()).dead).toBe(1);
  });
});

describe('completed history', () => {
  it('keeps at most the configured number of completed jobs, dropping the oldest', async () => {
    const { queue, admin } = make({ history: { maxCount: 5 } });
    const results = await queue.enqueueBatch(Array.from({ length: 12 }, () => ({ type: 'noop' })));
    for (const job of await queue.dequeue({ count: 12 })) await queue.ack(job);
    expect((await admin.stats()).completedHistory).toBe(5);
    await expect(admin.info(results[0]!.id)).rejects.toBeInstanceOf(JobNotFoundError);
    expect((await admin.info(results[11]!.id)).state).toBe('completed');
  });

  it('drops completed jobs older than the configured age', async () => {
    const { queue, admin } = make({ history: { maxAgeMs: 50 } });
    const [old] = await queue.enqueueBatch([{ type: 'noop' }, { type: 'noop' }]);
    const [first, second] = await queue.dequeue({ count: 2 });
    await queue.ack(first!);
    await sleep(80);
    await queue.ack(second!);
    expect((await admin.stats()).completedHistory).toBe(1);
    await expect(admin.info(old!.id)).rejects.toBeInstanceOf(JobNotFoundError);
  });

  it('trims a history over its limit a bounded amount per ack, converging on the limit', async () => {
    const { queue, admin, redis, namespace } = make({ history: { maxCount: 5000 } });
    await queue.enqueueBatch(Array.from({ length: 1000 }, () => ({ type: 'noop' })));
    for (let i = 0; i < 3; i++) {
      await queue.ackMany(await queue.dequeue({ count: 1000 }));
      await queue.enqueueBatch(Array.from({ length: 1000 }, () => ({ type: 'noop' })));
    }
    expect((await admin.stats()).completedHistory).toBe(3000);
    // The limit is lowered: each ack trims at most 2 × housekeepingLimit + the jobs it acks.
    const strict = new JobQueue(redis, { namespace, history: { maxCount: 10 } });
    const [one] = await strict.dequeue();
    await strict.ack(one!);
    expect((await admin.stats()).completedHistory).toBe(3001 - 201);
    for (const job of await strict.dequeue({ count: 20 })) await strict.ack(job);
    expect((await admin.stats()).completedHistory).toBe(10);
    strict.close();
  });

  it('keeps no history when the count is zero', async () => {
    const { queue, admin } = make({ history: { maxCount: 0 } });
    await queue.enqueue({ type: 'noop' });
    const [job] = await queue.dequeue();
    await queue.ack(job!);
    expect((await admin.stats()).completedHistory).toBe(0);
    await expect(admin.info(job!.id)).rejects.toBeInstanceOf(JobNotFoundError);
    expect((await admin.stats()).queues[0]!.counters.completed).toBe(1);
  });
});
