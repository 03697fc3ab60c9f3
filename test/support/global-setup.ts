import { join } from 'node:path';
import { startRedisServer, type LocalRedis } from '../../shared/local/redis-server';
import { bundleEsmOnlyDependencies } from './esm-deps';

declare global {
  var __TEST_REDIS__: LocalRedis | undefined;
}

/** One real redis-server for the whole run, on a free loopback port — unless REDIS_URL names one. */
export default async function globalSetup(): Promise<void> {
  bundleEsmOnlyDependencies(join(__dirname, '..', '..'));
  if (process.env.REDIS_URL) return;
  const redis = await startRedisServer();
  globalThis.__TEST_REDIS__ = redis;
  // Test workers are forked after this and inherit the variable.
  process.env.REDIS_URL = redis.url;
}
