import { JobValidationError } from '../../shared/queue';
import { MAX_DELAY_MS } from '../../shared/queue/limits';
import { queueFixtures, sleep } from '../support/redis';

const make = queueFixtures('delayed');

/** Redis's own clock (ms): the one due times are kept in. */
async function serverNow(redis: import('ioredis').Redis): Promise<number> {
  const [s, us] = await redis.time();
  return Number(s) * 1000 + Math.floor(Number(us) / 1000);
}

describe('delayed jobs', () => {
  it('keep a job delayed until its time, then hand it out like any other', async () => {
    const { queue, admin, redis, namespace } = make();
    const { id, runAt, job } = await queue.enqueue({ type: 'noop', delayMs: 3_600_000 });
    expect(runAt).toBe(job!.enqueuedAt + 3_600_000);
    const info = await admin.info(id);
    expect(info).toMatchObject({ state: 'delayed', since: runAt });
    expect(await queue.dequeue()).toEqual([]);
    expect((await admin.stats()).totals).toMatchObject({ waiting: 0, delayed: 1 });
    // The clock moves on: the job's due time is now in the past.
    await redis.zadd(`{${namespace}}:q:default:delayed`, (await serverNow(redis)) - 1, id);
    const [taken] = await queue.dequeue();
    expect(taken).toMatchObject({ id, attempts: 1, delayMs: 3_600_000 });
  });

  it('take runAt as the due time, and run a past runAt at once', async () => {
    const { queue, admin, redis } = make();
    const now = await serverNow(redis);
    const later = new Date(now + 86_400_000).toISOString();
    const future = await queue.enqueue({ type: 'noop', runAt: later });
    expect(future.runAt).toBe(Date.parse(later));
    expect(await admin.info(future.id)).toMatchObject({ state: 'delayed', since: Date.parse(later) });
    const past = await queue.enqueue({ type: 'noop', runAt: new Date(now - 60_000).toISOString() });
    expect(past.runAt).toBeNull();
    expect((await queue.dequeue()).map((j) => j.id)).toEqual([past.id]);
  });

  it('keep a batch whole: delayed jobs wait, the others are ready at once', async () => {
    const { queue } = make();
    const [a, b, c] = await queue.enqueueBatch([{ type: 'noop' }, { type: 'noop', delayMs: 600_000 }, { type: 'noop', delayMs: 0 }]);
    expect([a!.runAt, c!.runAt]).toEqual([null, null]);
    expect(b!.runAt).not.toBeNull();
    expect((await queue.dequeue({ count: 10 })).map((j) => j.id)).toEqual([a!.id, c!.id]);
  });

  it('wake a consumer that is waiting for work when a delayed job falls due', async () => {
    const { queue } = make();
    const waiting = queue.dequeue({ waitMs: 5000 });
    await sleep(50);
    const { id } = await queue.enqueue({ type: 'noop', delayMs: 250 });
    const [job] = await waiting;
    expect(job?.id).toBe(id);
  });

  it('refuse a bad delay, naming the field, before anything is written', async () => {
    const { queue, admin } = make();
    const refused = async (input: object, field: string) => {
      const error = await queue.enqueue({ type: 'noop', ...input }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(JobValidationError);
      expect((error as JobValidationError).field).toBe(field);
    };
    await refused({ delayMs: 5, runAt: '2030-01-01T00:00:00Z' }, 'runAt');
    await refused({ delayMs: -1 }, 'delayMs');
    await refused({ delayMs: 1.5 }, 'delayMs');
    await refused({ delayMs: MAX_DELAY_MS + 1 }, 'delayMs');
    await refused({ runAt: 'tomorrow' }, 'runAt');
    await refused({ runAt: '2030-01-01 00:00:00' }, 'runAt'); // no offset: ambiguous
    await refused({ runAt: new Date(Date.now() + MAX_DELAY_MS + 86_400_000).toISOString() }, 'runAt');
    await expect(queue.enqueueBatch([{ type: 'noop' }, { type: 'noop', delayMs: -5 }])).rejects.toMatchObject({ field: 'jobs[1].delayMs' });
    expect((await admin.stats()).totals).toMatchObject({ waiting: 0, delayed: 0 });
  });
});
