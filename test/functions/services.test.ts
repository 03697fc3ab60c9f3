import { lazyServices } from '../../shared/services';
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
});
