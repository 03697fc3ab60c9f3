import { lazyServices } from '../../shared/services';
import { startRedisServer } from '../../tools/local/redis-server';
import { redisUrl } from '../support/redis';

describe('a function’s services', () => {
  it('are made once on first use, then handed out without a promise, and closed for good by close()', async () => {
    const services = lazyServices({
      role: 'producer',
      env: { REDIS_URL: redisUrl(), QUEUE_NAMESPACE: 't-services', TRACING_ENABLED: 'false' },
    });
    expect(services.current()).toBeUndefined();
    const first = await services();
    expect(services.current()).toBe(first);
    expect(await services()).toBe(first);
    await services.close();
    expect(services.current()).toBeUndefined();
    const again = await services();
    expect(again).not.toBe(first); // a new cold start's worth
    await services.close();
  });

  it('close at once when Redis went away and the client is reconnecting, for a producer and a consumer', async () => {
    const own = await startRedisServer();
    const made = (['producer', 'consumer'] as const).map((role) =>
      lazyServices({ role, env: { REDIS_URL: own.url, QUEUE_NAMESPACE: 't-services-gone', TRACING_ENABLED: 'false' } }),
    );
    for (const services of made) await (await services()).redis.ping();
    await own.stop();
    await new Promise((resolve) => setTimeout(resolve, 200)); // the clients notice and start reconnecting
    const started = performance.now();
    await Promise.all(made.map((services) => services.close()));
    // QUIT would wait for a reconnect that never comes; the close must not.
    expect(performance.now() - started).toBeLessThan(1500);
    for (const services of made) expect(services.current()).toBeUndefined();
  });
});

describe('a throwaway redis-server', () => {
  it('stops at once when it was already killed from outside', async () => {
    const own = await startRedisServer();
    process.kill(own.pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(own.stop()).resolves.toBeUndefined();
  });

  it('runs in a process group of its own, so a Ctrl-C to the terminal reaches the pipeline, not it', async () => {
    const own = await startRedisServer();
    const { execFileSync } = await import('node:child_process');
    const group = Number(execFileSync('ps', ['-o', 'pgid=', '-p', String(own.pid)], { encoding: 'utf8' }).trim());
    await own.stop();
    expect(group).toBe(own.pid);
    expect(group).not.toBe(Number(execFileSync('ps', ['-o', 'pgid=', '-p', String(process.pid)], { encoding: 'utf8' }).trim()));
  });
});
