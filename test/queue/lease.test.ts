import { JobQueue, LeaseLostError } from '../../shared/queue';
import { connect, queueFixtures, sleep } from '../support/redis';

const make = queueFixtures('lease');

describe('leases', () => {
  it('redelivers the job of a consumer that died mid-job once its lease expires, with the attempt counted', async () => {
    const { queue, admin, namespace } = make();
    const { id } = await queue.enqueue({ type: 'noop', maxAttempts: 3 });
    const [held] = await queue.dequeue({ leaseMs: 150 });
    // The consumer "dies": it never acks. A second consumer, on its own connection, waits for work.
    const redis = connect();
    const survivor = new JobQueue(redis, { namespace });
    const started = Date.now();
    const [again] = await survivor.dequeue({ waitMs: 3000 });
    survivor.close();
    redis.disconnect();
    expect(again).toMatchObject({ id, attempts: 2, lastError: 'lease expired during attempt 1' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(Date.now() - started).toBeLessThan(1500);
    const info = await admin.info(id);
    expect(info.failures).toEqual([expect.objectContaining({ attempt: 1, kind: 'lease_expired' })]);
    // The dead consumer's late ack must not complete the job the survivor now holds.
    await expect(queue.ack(held!)).rejects.toBeInstanceOf(LeaseLostError);
    expect((await admin.info(id)).state).toBe('active');
    await queue.ack(again!);
    expect((await admin.info(id)).state).toBe('completed');
  });

  it('keeps a job from redelivery while its holder extends the lease', async () => {
    const { queue, admin } = make();
    const { id } = await queue.enqueue({ type: 'noop' });
    const [job] = await queue.dequeue({ leaseMs: 400 });
    for (let i = 0; i < 6; i++) {
      await sleep(100);
      await queue.extendLease(job!, 400);
      expect(await queue.dequeue()).toEqual([]);
    }
    await queue.ack(job!);
    const info = await admin.info(id);
    expect(info.state).toBe('completed');
    expect(info.failures).toEqual([]);
  });

  it('refuses to extend or nack a lease that was lost', async () => {
    const { queue } = make();
    await queue.enqueue({ type: 'noop' });
    const [job] = await queue.dequeue({ leaseMs: 50 });
    await sleep(80);
    const [redelivered] = await queue.dequeue();
    expect(redelivered?.attempts).toBe(2);
    await expect(queue.extendLease(job!)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(queue.nack(job!, new Error('late'))).rejects.toBeInstanceOf(LeaseLostError);
    await expect(queue.extendLease(redelivered!)).resolves.toBeGreaterThan(Date.now() - 1000);
  });

  it('dead-letters a job whose lease expired on its last attempt', async () => {
    const { queue, admin } = make();
    const { id } = await queue.enqueue({ type: 'noop', maxAttempts: 2 });
    await queue.dequeue({ leaseMs: 30 });
    await sleep(50);
    await queue.dequeue({ leaseMs: 30 });
    await sleep(50);
    expect(await queue.dequeue()).toEqual([]); // this dequeue reaps the second expiry
    const info = await admin.info(id);
    expect(info).toMatchObject({ state: 'dead', deadReason: 'attempts_exhausted' });
    expect(info.failures.map((f) => [f.attempt, f.kind])).toEqual([
      [1, 'lease_expired'],
      [2, 'lease_expired'],
    ]);
  });

  it('releases unstarted jobs to the head of their queue without counting the attempt', async () => {
    const { queue, admin } = make();
    const ids = (await queue.enqueueBatch([1, 2, 3, 4].map((n) => ({ type: 'noop', payload: n })))).map((r) => r.id);
    const taken = await queue.dequeue({ count: 3 });
    expect(await queue.release([taken[1]!, taken[2]!, { id: taken[0]!.id, delivery: 7 }])).toEqual([true, true, false]);
    const next = await queue.dequeue({ count: 3 });
    expect(next.map((j) => j.id)).toEqual([ids[1], ids[2], ids[3]]);
    expect(next.map((j) => j.attempts)).toEqual([1, 1, 1]);
    expect((await admin.info(ids[1]!)).failures).toEqual([]);
  });

  it('refuses a stale lease from before a requeue: it can neither extend, fail nor complete the new delivery', async () => {
    const { queue, admin } = make();
    const { id } = await queue.enqueue({ type: 'noop', maxAttempts: 1 });
    const [stale] = await queue.dequeue({ leaseMs: 30 });
    await sleep(50);
    await queue.dequeue(); // reaps the expired lease: out of attempts, dead-lettered
    await admin.requeue({ ids: [id] });
    const [fresh] = await queue.dequeue({ leaseMs: 60_000 });
    expect(fresh).toMatchObject({ id, attempts: 1 }); // same attempt number as the stale lease…
    expect(fresh!.delivery).toBeGreaterThan(stale!.delivery); // …but a new delivery
    await expect(queue.extendLease(stale!, 1)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(queue.nack(stale!, 'late', { retryable: false })).rejects.toBeInstanceOf(LeaseLostError);
    expect(await queue.tryAck(stale!)).toBe(false);
    expect((await admin.info(id)).since! - Date.now()).toBeGreaterThan(50_000);
    await queue.ack(fresh!);
  });

  it('refuses a stale lease from before a release', async () => {
    const { queue } = make();
    await queue.enqueue({ type: 'noop' });
    const [released] = await queue.dequeue();
    await queue.release([released!]);
    const [taken] = await queue.dequeue();
    expect(taken!.attempts).toBe(released!.attempts);
    expect(await queue.tryAck(released!)).toBe(false);
    expect(await queue.tryAck(taken!)).toBe(true);
  });

  it('acknowledges many jobs in one call and reports which leases were lost', async () => {
    const { queue } = make();
    await queue.enqueueBatch([{ type: 'noop' }, { type: 'noop' }]);
    const [a, b] = await queue.dequeue({ count: 2 });
    expect(await queue.ackMany([a!, { id: b!.id, delivery: 99 }])).toEqual([true, false]);
  });
});
