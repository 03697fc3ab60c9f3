import { execFileSync } from 'node:child_process';
import Redis from 'ioredis';
import { startRedisServer, type LocalRedis } from './redis-server';

/** A URL safe to print: the password, if any, is masked. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid URL>';
  }
}

async function answers(url: string): Promise<boolean> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined); // the failure is reported by connect() below
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

function onPath(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * The Redis to run against locally: `url` when it answers; otherwise a throwaway redis-server when one
 * is installed; otherwise an error that says how to get Redis.
 */
export async function ensureRedis(url: string, log: (message: string) => void): Promise<{ url: string; own?: LocalRedis }> {
  if (await answers(url)) return { url };
  if (!onPath('redis-server')) {
    throw new Error(
      `nothing answers at ${redactUrl(url)} and redis-server is not installed. ` +
        'Install it (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis) or set REDIS_URL.',
    );
  }
  const own = await startRedisServer();
  log(`nothing answers at ${redactUrl(url)}; started a throwaway redis-server at ${own.url} (it stops when this process does)`);
  return { url: own.url, own };
}
