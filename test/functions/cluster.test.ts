import { Cluster } from 'ioredis';
import { createEnqueueHandler } from '../../functions/enqueue/app';
import { createPollerHandler } from '../../functions/worker-poller/app';
import { JobQueue, QueueAdmin } from '../../shared/queue';
import { createRedisClient } from '../../shared/redis';
import { apiGatewayEvent, lambdaContext, scheduledEvent } from '../support/lambda-events';
import { eventually, startPipeline } from '../support/local-pipeline';
import { captureLogs } from '../support/logs';
import { moveSlot, ownerOf, startRedisCluster } from '../support/redis-cluster';
import { testServices, type TestServices } from '../support/services';

/**
 * The functions on a Redis Cluster (REDIS_CLUSTER=true), started from a node that does not own the
 * namespace's slot, as a configuration endpoint may hand out: the client follows MOVED from the start,
 * and ASK, TRYAGAIN and MOVED while the slot is resharded under load.
 */
describe('the functions on a Redis Cluster', () => {
  let cluster: Awaited<ReturnType<typeof startRedisCluster>>;
  const made: TestServices[] = [];
  let logs: ReturnType<typeof captureLogs>;

  beforeAll(async () => {
    cluster = await startRedisCluster();
  }, 30_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  beforeEach(() => (logs = captureLogs()));
  afterEach(async () => {
    logs.restore();
    for (const t of made.splice(0)) await t.close();
  });

  const ports = () => cluster.nodes.map((n) => n.port);

  /** Enqueue and poller handlers on one namespace, their REDIS_URL at a node that does not own its slot. */
  async function functions(namespace: string) {
    const owner = await ownerOf(ports()[0]!, `{${namespace}}:x`);
    const other = ports().find((p) => p !== owner.port)!;
    const env = {
      REDIS_URL: `redis://127.0.0.1:${other}`,
      REDIS_CLUSTER: 'true',
      QUEUE_NAMESPACE: namespace,
      QUEUE_LEASE_MS: '1000',
      POLLER_IDLE_MS: '300',
      POLLER_WAIT_MS: '100',
      POLLER_FANOUT_BACKLOG: '0',
      POLLER_JOB_TIMEOUT_MS: '500',
      POLLER_SAFETY_MARGIN_MS: '100',
    };
    const producer = testServices('producer', env);
    const consumer = testServices('consumer', env);
    made.push(producer, consumer);
    return {
      owner,
      producer,
      consumer,
      enqueue: createEnqueueHandler({ tracing: producer.tracing, runtime: producer.runtime }),
      poller: createPollerHandler({ tracing: consumer.tracing, runtime: consumer.runtime, lambda: () => consumer.lambda() }),
    };
  }
  const post = (enqueue: ReturnType<typeof createEnqueueHandler>, n: number) =>
    enqueue(apiGatewayEvent({ body: JSON.stringify({ type: 'noop', payload: { n } }) }), lambdaContext());

  it('accepts and processes jobs with REDIS_URL at a node that does not own the slot', async () => {
    const f = await functions('cl-moved');
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => post(f.enqueue, i)));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(20).fill(202));
    expect((await f.consumer.runtime()).redis).toBeInstanceOf(Cluster);
    const summary = await f.poller(scheduledEvent(), lambdaContext({ functionName: 'tq-poller' }));
    expect(summary).toMatchObject({ processed: 20, succeeded: 20, failed: 0 });
    expect((await (await f.producer.runtime()).admin.stats()).queues[0]!.counters).toMatchObject({ enqueued: 20, completed: 20 });
  });

  it('loses no accepted job and writes no half a job while the slot is resharded to another master under enqueues and polling', async () => {
    const f = await functions('cl-reshard');
    const target = ports().find((p) => p !== f.owner.port)!;
    const accepted = new Set<string>();
    let other = 0;
    // As a client does: a 503 is retried with the same Idempotency-Key until accepted. Batches of 10, so a
    // script stopped half-way would leave part of a batch behind.
    const produce = async (from: number, batches: number) => {
      for (let b = from; b < from + batches; b++) {
        const jobs = Array.from({ length: 10 }, (_, i) => ({ type: 'noop', payload: { b, i } }));
        const event = apiGatewayEvent({ path: '/jobs/batch', body: JSON.stringify({ jobs }), headers: { 'Idempotency-Key': `b-${b}` } });
        for (let attempt = 0; attempt < 50; attempt++) {
          const response = await f.enqueue(event, lambdaContext());
          if (response.statusCode === 202) {
            for (const job of (JSON.parse(response.body) as { jobs: Array<{ id: string }> }).jobs) accepted.add(job.id);
            break;
          }
          if (response.statusCode !== 503) other++; // anything but "unavailable, retry" is a failure
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    };
    // Producers (5 × 6 batches of 10) and a poller run while the slot moves.
    const producing = Promise.all([0, 1, 2, 3, 4].map((p) => produce(p * 100, 6)));
    const polling = f.poller(scheduledEvent(), lambdaContext({ functionName: 'tq-poller' }));
    await new Promise((r) => setTimeout(r, 100));
    const moved = await moveSlot(ports(), f.owner.slot, target);
    await producing;
    await polling.catch(() => undefined); // a run may end on a redirect it could not follow; the next one resumes
    expect(moved.from).toBe(f.owner.port);
    expect(moved.keys).toBeGreaterThan(0);
    expect(other).toBe(0);
    expect(accepted.size).toBe(300);

    // Later runs (leases of interrupted jobs expire after 1 s) finish everything accepted.
    const admin = (await f.producer.runtime()).admin;
    for (let run = 0; run < 20; run++) {
      const stats = await admin.stats();
      if (stats.totals.waiting + stats.totals.active + stats.totals.delayed === 0) break;
      await f.poller(scheduledEvent(), lambdaContext({ functionName: 'tq-poller' })).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 200));
    }
    const states = await Promise.all([...accepted].map(async (id) => (await admin.info(id)).state));
    expect(states.filter((s) => s !== 'completed')).toEqual([]);
    expect((await ownerOf(ports()[0]!, `{cl-reshard}:x`)).port).toBe(target);
    // No script stopped half-way: every job record in Redis is one that was accepted (none written for a 503).
    const node = createRedisClient({ url: `redis://127.0.0.1:${target}` });
    const records = (await node.keys('{cl-reshard}:job:*')).map((k) => k.slice('{cl-reshard}:job:'.length));
    node.disconnect();
    expect(records.sort()).toEqual([...accepted].sort());
  }, 60_000);

  it('refuses a script whole while its slot is half-migrated, rather than stop it half-way and lose jobs', async () => {
    const namespace = 'cl-guard';
    const { slot, port: owner } = await ownerOf(ports()[0]!, `{${namespace}}:x`);
    const target = ports().find((p) => p !== owner)!;
    const client = createRedisClient({ url: `redis://127.0.0.1:${owner}`, cluster: true });
    const queue = new JobQueue(client, { namespace, backoff: { baseMs: 60_000, capMs: 60_000 } });
    // One job dead, one in flight, one waiting to retry, two waiting: every key the dequeue script touches exists.
    await queue.enqueueBatch([{ type: 'x', maxAttempts: 1 }, { type: 'a' }, { type: 'b' }]);
    await queue.nack((await queue.dequeue({ count: 1 }))[0]!, 'gone');
    const [a] = await queue.dequeue({ count: 1 });
    const [b] = await queue.dequeue({ count: 1 });
    await queue.nack(b!, 'later');
    const [, d] = await queue.enqueueBatch([{ type: 'c' }, { type: 'd' }]);
    // A resharding has moved d's record, and nothing else yet.
    const node = (port: number) => createRedisClient({ url: `redis://127.0.0.1:${port}` });
    const [source, dest] = [node(owner), node(target)];
    const [sourceId, destId] = [String(await source.call('CLUSTER', 'MYID')), String(await dest.call('CLUSTER', 'MYID'))];
    await dest.call('CLUSTER', 'SETSLOT', slot, 'IMPORTING', sourceId);
    await source.call('CLUSTER', 'SETSLOT', slot, 'MIGRATING', destId);
    await source.call('MIGRATE', '127.0.0.1', target, `{${namespace}}:job:${d!.id}`, 0, 5000);
    source.disconnect();
    dest.disconnect();
    await expect(queue.dequeue({ count: 2 })).rejects.toThrow(); // refused, not half-run
    await moveSlot(ports(), slot, target);
    const admin = new QueueAdmin(client, { namespace });
    expect((await admin.stats()).totals).toEqual({ waiting: 2, active: 1, delayed: 1 });
    expect((await admin.stats()).dead).toBe(1);
    expect((await queue.dequeue({ count: 2 })).map((j) => j.type).sort()).toEqual(['c', 'd']);
    expect(a).toBeDefined();
    queue.close();
    await admin.purgeAll();
    client.disconnect();
  }, 30_000);

  it('runs the local pipeline (npm start) against the cluster: a job sent over HTTP is processed', async () => {
    const namespace = 'cl-local';
    const owner = await ownerOf(ports()[0]!, `{${namespace}}:x`);
    const other = ports().find((p) => p !== owner.port)!;
    const pipeline = await startPipeline({ REDIS_URL: `redis://127.0.0.1:${other}`, REDIS_CLUSTER: 'true', QUEUE_NAMESPACE: namespace });
    try {
      const res = await fetch(`${pipeline.url}/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"type":"noop"}',
      });
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as { id: string };
      const client = createRedisClient({ url: `redis://127.0.0.1:${other}`, cluster: true });
      const admin = new QueueAdmin(client, { namespace });
      await eventually(async () => ((await admin.info(id)).state === 'completed' ? true : undefined), 15_000, 'the job to complete');
      await admin.purgeAll();
      client.disconnect();
    } finally {
      await pipeline.stop('SIGKILL');
    }
  }, 40_000);

  it('reaches ElastiCache-style TLS clusters by node hostname, with AUTH on every node', () => {
    const client = createRedisClient({
      url: 'rediss://clustercfg.tq.abc123.euw1.cache.amazonaws.com:6379',
      cluster: true,
      authToken: 's3cret',
    });
    client.disconnect();
    expect(client.options.redisOptions).toMatchObject({ tls: {}, password: 's3cret' });
    let resolved: string | undefined;
    client.options.dnsLookup!('node-1.tq.abc123.euw1.cache.amazonaws.com', (_e, address) => (resolved = address));
    expect(resolved).toBe('node-1.tq.abc123.euw1.cache.amazonaws.com');
  });
});
