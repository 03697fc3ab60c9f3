import { execFileSync } from 'node:child_process';
import Redis from 'ioredis';
import { startRedisServer, type LocalRedis } from '../../tools/local/redis-server';

/** A throwaway 3-master Redis Cluster on loopback (with `replicas` per master), for proving the scripts work in cluster mode. */
export async function startRedisCluster(replicas = 0): Promise<{ nodes: LocalRedis[]; stop: () => Promise<void> }> {
  const nodes = await Promise.all(
    Array.from({ length: 3 * (1 + replicas) }, () =>
      startRedisServer(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000']),
    ),
  );
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  };
  try {
    execFileSync(
      'redis-cli',
      ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', String(replicas), '--cluster-yes'],
      {
        stdio: 'pipe',
      },
    );
    // Wait until every node agrees the cluster is up.
    for (let i = 0; i < 100; i++) {
      const ok = nodes.every((n) =>
        /cluster_state:ok/.test(execFileSync('redis-cli', ['-p', String(n.port), 'cluster', 'info'], { encoding: 'utf8' })),
      );
      if (ok) return { nodes, stop };
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the test cluster did not come up');
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Moves a hash slot to another master while clients use it, as a resharding does: the target imports,
 * the source migrates its keys a few at a time (clients get ASK and TRYAGAIN meanwhile), then every
 * master is told the new owner (clients get MOVED).
 */
export async function moveSlot(ports: readonly number[], slot: number, toPort: number): Promise<{ from: number; keys: number }> {
  const clients = new Map(ports.map((port) => [port, new Redis({ port, host: '127.0.0.1', lazyConnect: false })]));
  try {
    const ids = new Map<number, string>();
    for (const [port, c] of clients) ids.set(port, String(await c.call('CLUSTER', 'MYID')));
    const slots = (await clients.get(toPort)!.call('CLUSTER', 'SLOTS')) as Array<[number, number, [string, number]]>;
    const from = slots.find(([lo, hi]) => slot >= lo && slot <= hi)![2][1];
    if (from === toPort) return { from, keys: 0 };
    const source = clients.get(from)!;
    const target = clients.get(toPort)!;
    await target.call('CLUSTER', 'SETSLOT', slot, 'IMPORTING', ids.get(from)!);
    await source.call('CLUSTER', 'SETSLOT', slot, 'MIGRATING', ids.get(toPort)!);
    let moved = 0;
    for (let round = 0; round < 10_000; round++) {
      const keys = (await source.call('CLUSTER', 'GETKEYSINSLOT', slot, 5)) as string[];
      if (keys.length === 0) break;
      await source.call('MIGRATE', '127.0.0.1', toPort, '', 0, 5000, 'KEYS', ...keys);
      moved += keys.length;
      await new Promise((r) => setTimeout(r, 5)); // let clients run into the half-moved slot
    }
    for (const c of [target, source, ...[...clients.values()].filter((c) => c !== source && c !== target)]) {
      await c.call('CLUSTER', 'SETSLOT', slot, 'NODE', ids.get(toPort)!);
    }
    return { from, keys: moved };
  } finally {
    for (const c of clients.values()) c.disconnect();
  }
}

/** The master that owns a key's slot, by port. */
export async function ownerOf(port: number, key: string): Promise<{ slot: number; port: number }> {
  const c = new Redis({ port, host: '127.0.0.1' });
  try {
    const slot = Number(await c.call('CLUSTER', 'KEYSLOT', key));
    const slots = (await c.call('CLUSTER', 'SLOTS')) as Array<[number, number, [string, number]]>;
    return { slot, port: slots.find(([lo, hi]) => slot >= lo && slot <= hi)![2][1] };
  } finally {
    c.disconnect();
  }
}
