import type { Cluster, Redis, RedisOptions } from 'ioredis';
import type { RedisClient } from './scripts';

/** How a wait ended. `error`: the connection failed (the caller should not retry at once). */
export type WaitOutcome = 'woken' | 'timeout' | 'aborted' | 'closed' | 'error';

/** Client-side margin beyond the server's BLPOP timeout before the connection is presumed dead. */
const BLOCKING_GRACE_MS = 1000;

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

  /** Resolves when a marker arrives, the timeout passes, the signal aborts, the waiter closes, or Redis fails. */
  async wait(keys: readonly string[], timeoutMs: number, signal?: AbortSignal): Promise<WaitOutcome> {
    if (this.closed) return 'closed';
    if (signal?.aborted) return 'aborted';
    const conn = this.idle.pop() ?? this.open();
    // Aborting drops the connection: the only way to end a BLPOP early from this side.
    const abort = () => this.discard(conn);
    signal?.addEventListener('abort', abort, { once: true });
    try {
      const reply = await conn.blpop(...keys, (Math.max(timeoutMs, 1) / 1000).toFixed(3));
      if (!this.closed && this.all.has(conn)) this.idle.push(conn);
      return reply ? 'woken' : 'timeout';
    } catch {
      this.discard(conn);
      if (this.closed) return 'closed';
      return signal?.aborted ? 'aborted' : 'error';
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
    const perNode: RedisOptions = {
      // Never time out or pipeline a blocking command with others, but do bound it client-side: a
      // dead Redis must not hold a wait (and a Lambda invocation) past its deadline.
      commandTimeout: undefined,
      blockingTimeout: 60_000,
      blockingTimeoutGrace: BLOCKING_GRACE_MS,
      // Queue the first BLPOP until this new connection is up; never replay a BLPOP after a reconnect.
      enableOfflineQueue: true,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      // Nothing worth a graceful close; Redis does not close a client blocked in BLPOP on our FIN.
      disconnectTimeout: 0,
    };
    let conn: RedisClient;
    if (this.main.isCluster) {
      const cluster = this.main as Cluster;
      conn = cluster.duplicate(undefined, {
        enableAutoPipelining: false,
        enableOfflineQueue: true,
        redisOptions: { ...cluster.options.redisOptions, ...perNode },
      });
    } else {
      conn = (this.main as Redis).duplicate({ enableAutoPipelining: false, ...perNode });
    }
    conn.on('error', () => undefined); // failures surface through the BLPOP promise
    this.all.add(conn);
    return conn;
  }

  private discard(conn: RedisClient): void {
    this.all.delete(conn);
    conn.disconnect();
  }
}
