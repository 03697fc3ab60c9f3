import type { Cluster, Redis } from 'ioredis';
import type { RedisClient } from './scripts';

/**
 * Blocks consumers on the queues' wake-up markers (BLPOP) instead of polling. A blocked connection can
 * serve nobody else, so waits use their own connections: a small pool, one per concurrent wait,
 * duplicated from the main client on demand and reused.
 */
export class Waiter {
  private readonly idle: RedisClient[] = [];
  private readonly all = new Set<RedisClient>();
  private closed = false;

  constructor(private readonly main: RedisClient) {}

  /** Resolves when a marker arrives, the timeout passes, the signal aborts or the waiter closes. */
  async wait(keys: readonly string[], timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.closed || signal?.aborted) return;
    const conn = this.idle.pop() ?? this.open();
    // Aborting drops the connection: the only way to end a BLPOP early from this side.
    const abort = () => this.discard(conn);
    signal?.addEventListener('abort', abort, { once: true });
    try {
      await conn.blpop(...keys, (Math.max(timeoutMs, 1) / 1000).toFixed(3));
      if (!this.closed && this.all.has(conn)) this.idle.push(conn);
    } catch {
      // A dropped connection is just an early wake-up: the caller re-checks the queue, which reports
      // a real outage through the main connection.
      this.discard(conn);
    } finally {
      signal?.removeEventListener('abort', abort);
    }
  }

  close(): void {
    this.closed = true;
    for (const conn of this.all) conn.disconnect();
    this.all.clear();
    this.idle.length = 0;
  }

  private open(): RedisClient {
    // Blocking connections must not time out commands or pipeline them with others. They carry nothing
    // worth a graceful close, and Redis does not close a client blocked in BLPOP on our FIN, so a
    // disconnect destroys the socket at once instead of waiting (2 s by default) for the server.
    const perNode = { commandTimeout: undefined, disconnectTimeout: 0 };
    let conn: RedisClient;
    if (this.main.isCluster) {
      const cluster = this.main as Cluster;
      conn = cluster.duplicate(undefined, { enableAutoPipelining: false, redisOptions: { ...cluster.options.redisOptions, ...perNode } });
    } else {
      conn = (this.main as Redis).duplicate({ enableAutoPipelining: false, ...perNode });
    }
    this.all.add(conn);
    return conn;
  }

  private discard(conn: RedisClient): void {
    this.all.delete(conn);
    conn.disconnect();
  }
}
