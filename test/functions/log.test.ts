import { InvokeStore, InvokeStoreBase } from '@aws/lambda-invoke-store';
import { log } from '../../shared/log';
import { captureLogs } from '../support/logs';

let logs: ReturnType<typeof captureLogs>;
const saved = { AWS_LAMBDA_LOG_LEVEL: process.env.AWS_LAMBDA_LOG_LEVEL, LOG_LEVEL: process.env.LOG_LEVEL };
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => {
  logs.restore();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('structured logs', () => {
  it('write info and above by default, and follow the level Lambda sets (AWS_LAMBDA_LOG_LEVEL) over LOG_LEVEL', () => {
    log('debug', 'hidden');
    log('info', 'shown');
    process.env.LOG_LEVEL = 'DEBUG';
    log('debug', 'now shown');
    process.env.AWS_LAMBDA_LOG_LEVEL = 'ERROR';
    log('warn', 'hidden again');
    log('error', 'always');
    expect(logs.out().map((l) => l.message)).toEqual(['shown', 'now shown']);
    expect(logs.err().map((l) => l.message)).toEqual(['always']);
  });

  it("carry the invocation's request id from Lambda's invoke store", async () => {
    const store = await InvokeStore.getInstanceAsync(true);
    await store.run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: 'req-1' }, async () => log('info', 'inside'));
    log('info', 'outside');
    expect(logs.out().map((l) => [l.message, l.requestId])).toEqual([
      ['inside', 'req-1'],
      ['outside', undefined],
    ]);
  });

  it("are records in the shape of Lambda's JSON log format, one per line, written past the console Lambda wraps", () => {
    const wrapped = vi.spyOn(console, 'log');
    log('warn', 'lease lost', { jobId: 'j1' });
    expect(wrapped).not.toHaveBeenCalled();
    wrapped.mockRestore();
    const [record] = logs.out();
    expect(record).toEqual({ timestamp: expect.any(String), level: 'WARN', message: 'lease lost', jobId: 'j1' });
    expect(new Date(record!.timestamp).toISOString()).toBe(record!.timestamp);
  });
});
