import { execFileSync } from 'node:child_process';
import { startRedisServer, type LocalRedis } from '../../tools/local/redis-server';

/** A throwaway 3-master Redis Cluster on loopback, for proving the scripts work in cluster mode. */
export async function startRedisCluster(): Promise<{ nodes: LocalRedis[]; stop: () => Promise<void> }> {
  const nodes = await Promise.all(
    [0, 1, 2].map(() =>
      startRedisServer(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000']),
    ),
  );
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  };
  try {
    execFileSync(
      'redis-cli',
      ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'],
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
