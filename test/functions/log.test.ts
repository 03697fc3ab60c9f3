import { InvokeStore, InvokeStoreBase } from '@aws/lambda-invoke-store';
import type { MockInstance } from 'vitest';
import { log } from '../../shared/log';

let out: MockInstance;
let errors: MockInstance;
const saved = { AWS_LAMBDA_LOG_LEVEL: process.env.AWS_LAMBDA_LOG_LEVEL, LOG_LEVEL: process.env.LOG_LEVEL };
beforeEach(() => {
  out = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => {
  vi.restoreAllMocks();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});
const lines = (spy: MockInstance) => spy.mock.calls.map(([l]) => JSON.parse(String(l)) as Record<string, unknown>);

describe('structured logs', () => {
  it('write info and above by default, and follow the level Lambda sets (AWS_LAMBDA_LOG_LEVEL) over LOG_LEVEL', () => {
    log('debug', 'hidden');
    log('info', 'shown');
    process.env.LOG_LEVEL = 'DEBUG';
    log('debug', 'now shown');
    process.env.AWS_LAMBDA_LOG_LEVEL = 'ERROR';
    log('warn', 'hidden again');
    log('error', 'always');
    expect(lines(out).map((l) => l.message)).toEqual(['shown', 'now shown']);
    expect(lines(errors).map((l) => l.message)).toEqual(['always']);
  });

  it("carry the invocation's request id from Lambda's invoke store", async () => {
    const store = await InvokeStore.getInstanceAsync(true);
    await store.run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: 'req-1' }, async () => log('info', 'inside'));
    log('info', 'outside');
    expect(lines(out).map((l) => [l.message, l.requestId])).toEqual([
      ['inside', 'req-1'],
      ['outside', undefined],
    ]);
  });
});
