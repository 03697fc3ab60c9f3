import { failureCategory } from '../../functions/dlq/dead-letters';
import { consume } from '../../shared/queue';
import { queueFixtures } from '../support/redis';

const make = queueFixtures('dlq-category');

describe('why a job was dead-lettered', () => {
  it('tells a timeout, a permanent error and an ordinary error apart by the failure recorded, not its text', async () => {
    const { queue, admin } = make();
    const [slow, permanent, failing, misleading] = await queue.enqueueBatch([
      { type: 'slow', maxAttempts: 1, timeoutMs: 50 },
      { type: 'permanent', maxAttempts: 3 },
      { type: 'failing', maxAttempts: 1 },
      { type: 'misleading', maxAttempts: 1 }, // its message reads like a timeout
    ]);
    await consume(
      queue,
      async (job) => {
        if (job.type === 'slow') await new Promise(() => undefined);
        if (job.type === 'permanent') throw Object.assign(new Error('bad input'), { retryable: false }); // never worth a retry
        if (job.type === 'misleading') throw new Error('upstream timed out after 30 s');
        throw new Error('boom');
      },
      { idleMs: 200, waitMs: 50, abandonGraceMs: 100 },
    );
    const category = async (id: string) => failureCategory(await admin.info(id));
    expect(await category(slow!.id)).toBe('timeout');
    expect(await category(permanent!.id)).toBe('non_retryable');
    expect(await category(failing!.id)).toBe('error');
    expect(await category(misleading!.id)).toBe('error');
    expect((await admin.info(slow!.id)).failures.map((f) => f.kind)).toEqual(['timeout']);
  });
});
