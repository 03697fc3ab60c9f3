import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import calculateSlot from 'cluster-key-slot';
import { queueKeys } from '../../shared/queue';
import { connect } from '../support/redis';

describe('key builder', () => {
  const keys = queueKeys('orders');
  const all = [
    keys.job('01J0000000000000000000000A'),
    keys.wait('mail', 'high'),
    keys.wake('mail'),
    keys.active('mail'),
    keys.delayed('mail'),
    keys.dead,
    keys.done,
    keys.queues,
    keys.counters,
    keys.idempotency('k'),
    keys.audit,
    keys.controls('mail'),
    keys.rate('mail'),
    keys.schedulers,
    keys.schedulersNext,
    keys.schedulersRuns,
  ];

  it('puts every key of a namespace in one Redis Cluster slot', () => {
    expect(new Set(all.map((k) => calculateSlot(k))).size).toBe(1);
    expect(all.every((k) => k.startsWith('{orders}:'))).toBe(true);
  });

  it('gives different namespaces different keys', () => {
    expect(queueKeys('a').dead).not.toBe(queueKeys('b').dead);
  });

  it('refuses a namespace that could break the key layout', () => {
    expect(() => queueKeys('a}b')).toThrow(TypeError);
    expect(() => queueKeys('')).toThrow(TypeError);
  });

  it('agrees with the layout the Lua scripts build', async () => {
    const lua = readFileSync(join(import.meta.dirname, '../../shared/queue/scripts/includes/keys.lua'), 'utf8');
    const redis = connect();
    const fromLua = await redis.eval(
      `${lua}\nlocal p = ARGV[1]\nreturn { jobKey(p, 'ID'), waitKey(p, 'mail', 'high'), wakeKey(p, 'mail'), activeKey(p, 'mail'), delayedKey(p, 'mail'), idempotencyKey(p, 'k'), controlsKey(p, 'mail'), rateKey(p, 'mail') }`,
      0,
      keys.prefix,
    );
    redis.disconnect();
    expect(fromLua).toEqual([
      keys.job('ID'),
      keys.wait('mail', 'high'),
      keys.wake('mail'),
      keys.active('mail'),
      keys.delayed('mail'),
      keys.idempotency('k'),
      keys.controls('mail'),
      keys.rate('mail'),
    ]);
  });
});
