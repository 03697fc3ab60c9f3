import { startRedisServer, type LocalRedis } from '../../tools/local/redis-server';

/** The Redis a benchmark runs against: REDIS_URL, or a fresh redis-server of its own. */
export async function benchRedis(): Promise<{ url: string; port: number; host: string; own: LocalRedis | undefined }> {
  if (process.env.REDIS_URL) {
    const u = new URL(process.env.REDIS_URL);
    return { url: process.env.REDIS_URL, host: u.hostname, port: Number(u.port || 6379), own: undefined };
  }
  const own = await startRedisServer();
  return { url: own.url, host: '127.0.0.1', port: own.port, own };
}
