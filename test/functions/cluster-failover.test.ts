import Redis from 'ioredis';
import { createEnqueueHandler } from '../../functions/enqueue/app';
import { createPollerHandler } from '../../functions/worker-poller/app';
import { apiGatewayEvent, lambdaContext, scheduledEvent } from '../support/lambda-events';
import { captureLogs } from '../support/logs';
import { ownerOf, startRedisCluster } from '../support/redis-cluster';
import { testServices } from '../support/services';

/**
 * A failover while the functions run: the replica of the master that owns the namespace's slot takes
 * over (CLUSTER FAILOVER, as ElastiCache's Multi-AZ failover or a "test failover" does), under enqueues
 * and a poller run. No accepted job is lost; callers retry 503s with their Idempotency-Key.
 */
describe('the functions through a Redis Cluster failover', () => {
  let cluster: Awaited<ReturnType<typeof startRedisCluster>>;
  beforeAll(async () => {
    cluster = await startRedisCluster(1);
  }, 60_000);
  afterAll(() => cluster?.stop());

  it('loses no accepted job when the master of its slot fails over to its replica mid-run', async () => {
    const namespace = 'cl-failover';
    const ports = cluster.nodes.map((n) => n.port);
    const owner = await ownerOf(ports[0]!, `{${namespace}}:x`);
    const env = {
      REDIS_URL: `redis://127.0.0.1:${ports.find((p) => p !== owner.port)!}`,
      REDIS_CLUSTER: 'true',
      QUEUE_NAMESPACE: namespace,
      QUEUE_LEASE_MS: '1000',
      POLLER_IDLE_MS: '300',
      POLLER_WAIT_MS: '100',
      POLLER_FANOUT_BACKLOG: '0',
      POLLER_JOB_TIMEOUT_MS: '500',
      POLLER_SAFETY_MARGIN_MS: '100',
    };
    const logs = captureLogs();
    const producer = testServices('producer', env);
    const consumer = testServices('consumer', env);
    const enqueue = createEnqueueHandler({ tracing: producer.tracing, runtime: producer.runtime });
    const poller = createPollerHandler({ tracing: consumer.tracing, runtime: consumer.runtime, lambda: () => consumer.lambda() });
    const accepted = new Set<string>();
    let other = 0;
    const produce = async (from: number) => {
      for (let i = from; i < from + 60; i++) {
        const event = apiGatewayEvent({ body: JSON.stringify({ type: 'noop', payload: { i } }), headers: { 'Idempotency-Key': `f-${i}` } });
        for (let attempt = 0; attempt < 100; attempt++) {
          const res = await enqueue(event, lambdaContext());
          if (res.statusCode === 202) {
            accepted.add((JSON.parse(res.body) as { id: string }).id);
            break;
          }
          if (res.statusCode !== 503) other++;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    };
    try {
      const producing = Promise.all([0, 1000, 2000, 3000, 4000].map(produce));
      const polling = poller(scheduledEvent(), lambdaContext({ functionName: 'tq-poller' })).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 150));
      // The owner's replica takes over, coordinated (it catches up first), as a planned failover does.
      const master = new Redis({ port: owner.port });
      const masterId = String(await master.call('CLUSTER', 'MYID'));
      master.disconnect();
      let promoted: number | undefined;
      for (const port of cluster.nodes.map((n) => n.port)) {
        const node = new Redis({ port });
        const nodes = String(await node.call('CLUSTER', 'NODES'));
        const me = nodes.split('\n').find((l) => l.includes('myself'))!;
        if (me.includes(`slave ${masterId}`)) {
          // A manual failover gives up when the replica cannot catch up in time (under load it may): ask again.
          for (let attempt = 0; attempt < 5 && !/myself,master/.test(String(await node.call('CLUSTER', 'NODES'))); attempt++) {
            await node.call('CLUSTER', 'FAILOVER');
            for (let i = 0; i < 40 && !/myself,master/.test(String(await node.call('CLUSTER', 'NODES'))); i++)
              await new Promise((r) => setTimeout(r, 100));
          }
          promoted = port;
        }
        node.disconnect();
      }
      expect(promoted).toBeDefined();
      await producing;
      await polling;
      // The slot is now served by the promoted replica (asked of itself: the others learn it by gossip).
      expect((await ownerOf(promoted!, `{${namespace}}:x`)).port).toBe(promoted);
      const admin = (await producer.runtime()).admin;
      for (let run = 0; run < 20; run++) {
        const { totals } = await admin.stats();
        if (totals.waiting + totals.active + totals.delayed === 0) break;
        await poller(scheduledEvent(), lambdaContext({ functionName: 'tq-poller' })).catch(() => undefined);
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(other).toBe(0);
      expect(accepted.size).toBe(300);
      const states = await Promise.all([...accepted].map(async (id) => (await admin.info(id)).state));
      expect(states.filter((s) => s !== 'completed')).toEqual([]);
      await admin.purgeAll();
    } finally {
      logs.restore();
      await producer.close();
      await consumer.close();
    }
  }, 90_000);
});
