import { startRedisServer } from '../../tools/local/redis-server';

/**
 * One real redis-server for the whole run, on a free loopback port — unless REDIS_URL names one. Test
 * workers are forked after this and inherit the variable. Returns the teardown.
 */
export default async function globalSetup(): Promise<(() => Promise<void>) | undefined> {
  if (process.env.REDIS_URL) return undefined;
  const redis = await startRedisServer();
  process.env.REDIS_URL = redis.url;
  return async () => {
    await redis.stop();
  };
}
