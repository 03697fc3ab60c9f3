import Redis from 'ioredis';
import { EnqueueTooLateError, JobQueue, QueueAdmin } from '../../shared/queue';
import { startRedisServer, type LocalRedis } from '../../tools/local/redis-server';
import { createRedisClient } from '../../shared/redis';
import { sleep } from '../support/redis';

/*
 * A producer's enqueue that timed out (the caller answered 503) must never be written later, whatever
 * delivers it to Redis late: a paused or busy server, a command sent on reconnect. Redis refuses it by its
 * own clock. Each test has a redis-server of its own, to pause (CLIENT PAUSE … WRITE holds scripts as a
 * busy or restarting server would).
 */
const COMMAND_TIMEOUT_MS = 300;
const DEADLINE_MS = 200;
const servers: LocalRedis[] = [];
const clients: Redis[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.disconnect();
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function producer(url: string, enqueueDeadlineMs = DEADLINE_MS) {
  const redis = createRedisClient({ url, failFast: true, commandTimeoutMs: COMMAND_TIMEOUT_MS });
  clients.push(redis);
  const queue = new JobQueue(redis, { namespace: 'deadline', enqueueDeadlineMs });
  await queue.enqueue({ type: 'warm-up' }); // connected, scripts loaded
  return queue;
}

/** A producer on a redis-server of its own, and a second client to pause that server with. */
async function pausable(enqueueDeadlineMs = DEADLINE_MS) {
  const server = await startRedisServer();
  servers.push(server);
  const queue = await producer(server.url, enqueueDeadlineMs);
  const other = new Redis(server.url);
  clients.push(other);
  /** CLIENT PAUSE … WRITE: scripts wait, as on a busy or restarting server. */
  const pause = (ms: number) => other.call('CLIENT', 'PAUSE', String(ms), 'WRITE');
  return { url: server.url, queue, pause };
}

async function jobsIn(url: string): Promise<string[]> {
  const redis = new Redis(url);
  clients.push(redis);
  const admin = new QueueAdmin(redis, { namespace: 'deadline' });
  return (await admin.peek('default', 100)).map((j) => j.type);
}

describe('an enqueue that timed out', () => {
  it('is not written when a slow Redis gets to it after the caller gave up', async () => {
    const { url, queue, pause } = await pausable();
    await pause(COMMAND_TIMEOUT_MS + 400);
    await expect(queue.enqueue({ type: 'while-paused' })).rejects.toThrow(/timed out/i);
    await sleep(600); // the pause ends and Redis runs the script it held
    expect(await jobsIn(url)).toEqual(['warm-up']);
  });

  it('is refused with a typed error when it reaches Redis late but before the caller gives up', async () => {
    const { url, queue, pause } = await pausable(50);
    await pause(150); // later than the deadline, sooner than the timeout
    await expect(queue.enqueue({ type: 'late' })).rejects.toBeInstanceOf(EnqueueTooLateError);
    expect(await jobsIn(url)).toEqual(['warm-up']);
  });

  it('without a deadline, waits out a pause and is written (what the deadline is for)', async () => {
    const { url, queue, pause } = await pausable(0);
    await pause(150);
    await expect(queue.enqueue({ type: 'late' })).resolves.toMatchObject({ duplicate: false });
    expect(await jobsIn(url)).toEqual(['warm-up', 'late']);
  });
});
