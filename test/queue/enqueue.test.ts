import { BatchTooLargeError, JobValidationError, PayloadTooLargeError } from '../../shared/queue';
import { queueFixtures } from '../support/redis';

const make = queueFixtures('enqueue');

describe('enqueue', () => {
  it('stores a job with defaults and returns it with a time-sortable id', async () => {
    const { queue, admin } = make();
    const { id, duplicate, job } = await queue.enqueue({ type: 'noop', payload: { n: 1 }, trace: { traceparent: '00-abc' } });
    expect(duplicate).toBe(false);
    expect(job).toMatchObject({ id, queue: 'default', priority: 'low', type: 'noop', payload: { n: 1 }, attempts: 0, maxAttempts: 3 });
    const info = await admin.info(id);
    expect(info.state).toBe('waiting');
    expect(info.position).toBe(0);
    expect(info.job).toMatchObject({ id, payload: { n: 1 }, trace: { traceparent: '00-abc' }, lastError: null });
    expect(info.job.enqueuedAt).toBeGreaterThan(0);
  });

  it('keeps the file-processing fields, timeout and idempotency key on the job', async () => {
    const { queue, admin } = make();
    const { id } = await queue.enqueue({
      type: 'thumbnail',
      filepath: '/in/cat.png',
      filesize: 2048,
      timeoutMs: 5000,
      idempotencyKey: 'k-1',
    });
    expect((await admin.info(id)).job).toMatchObject({ filepath: '/in/cat.png', filesize: 2048, timeoutMs: 5000, idempotencyKey: 'k-1' });
  });

  it('takes a trace carrier and idempotency key beside the input, over its own, leaving the input untouched', async () => {
    const { queue, admin } = make();
    const input = Object.freeze({ type: 'noop', trace: { traceparent: '00-from-input' } });
    const { id } = await queue.enqueue(input, { trace: { traceparent: '00-from-caller' }, idempotencyKey: 'req-1' });
    expect((await admin.info(id)).job).toMatchObject({ trace: { traceparent: '00-from-caller' }, idempotencyKey: 'req-1' });
    const batch = await queue.enqueueBatch([input, { type: 'noop' }], [{ idempotencyKey: 'req-2:0' }, { trace: { b3: '1-2-1' } }]);
    expect((await admin.info(batch[0]!.id)).job).toMatchObject({ trace: { traceparent: '00-from-input' }, idempotencyKey: 'req-2:0' });
    expect((await admin.info(batch[1]!.id)).job.trace).toEqual({ b3: '1-2-1' });
    await expect(queue.enqueue({ type: 'noop' }, { idempotencyKey: 'has space' })).rejects.toMatchObject({ field: 'idempotencyKey' });
  });

  it('rejects malformed jobs with a typed error naming the field', async () => {
    const { queue } = make();
    const cases: Array<[unknown, string]> = [
      [{}, 'type'],
      [{ type: 'a b' }, 'type'],
      [{ type: 'noop', priority: 'urgent' }, 'priority'],
      [{ type: 'noop', queue: 'a:b' }, 'queue'],
      [{ type: 'noop', maxAttempts: 0 }, 'maxAttempts'],
      [{ type: 'noop', maxAttempts: 1.5 }, 'maxAttempts'],
      [{ type: 'noop', filesize: -1 }, 'filesize'],
      [{ type: 'noop', filepath: '' }, 'filepath'],
      [{ type: 'noop', timeoutMs: 16 * 60_000 }, 'timeoutMs'],
      [{ type: 'noop', idempotencyKey: 'has space' }, 'idempotencyKey'],
      [{ type: 'noop', trace: { traceparent: 7 } }, 'trace.traceparent'],
      [{ type: 'noop', payload: { when: () => 1 } }, 'payload'],
      [{ type: 'noop', payload: { n: Number.NaN } }, 'payload'],
      [{ type: 'noop', payload: 10n }, 'payload'],
      [{ type: 'noop', payload: { m: new Map([['a', 1]]) } }, 'payload'],
      [{ type: 'noop', payload: { s: new Set([1]) } }, 'payload'],
      [{ type: 'noop', payload: { when: new Date() } }, 'payload'],
      [{ type: 'noop', payload: new Uint8Array([1, 2]) }, 'payload'],
      [
        {
          type: 'noop',
          payload: {
            at: new (class Point {
              x = 1;
            })(),
          },
        },
        'payload',
      ],
      [{ type: 'noop', trace: { traceparent: 'a', Traceparent: 'b' } }, 'trace.Traceparent'],
      [{ type: 'noop', colour: 'red' }, 'colour'],
      [[], 'job'],
    ];
    for (const [input, field] of cases) {
      const error = await queue.enqueue(input as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(JobValidationError);
      expect((error as JobValidationError).field).toBe(field);
    }
  });

  it('rejects a cyclic payload as not JSON', async () => {
    const { queue } = make();
    const payload: Record<string, unknown> = {};
    payload.self = payload;
    await expect(queue.enqueue({ type: 'noop', payload })).rejects.toMatchObject({ field: 'payload' });
  });

  it('rejects a payload over the size limit with PayloadTooLargeError', async () => {
    const { queue, admin } = make({ maxPayloadBytes: 1024 });
    const error = await queue.enqueue({ type: 'noop', payload: 'x'.repeat(1100) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect(error).toMatchObject({ field: 'payload', limit: 1024, size: 1102 });
    expect((await admin.stats()).totals.waiting).toBe(0);
  });

  it('counts payload size in UTF-8 bytes, not characters', async () => {
    const { queue } = make({ maxPayloadBytes: 100 });
    await expect(queue.enqueue({ type: 'noop', payload: 'é'.repeat(60) })).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(queue.enqueue({ type: 'noop', payload: 'e'.repeat(60) })).resolves.toMatchObject({ duplicate: false });
  });

  it('writes nothing of a batch when any job in it is invalid, and names that job', async () => {
    const { queue, admin } = make();
    const error = await queue
      .enqueueBatch([{ type: 'noop' }, { type: 'noop' }, { type: 'noop', priority: 'nope' }])
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ field: 'jobs[2].priority' });
    const stats = await admin.stats();
    expect(stats.totals.waiting).toBe(0);
    expect(stats.queues).toEqual([]);
  });

  it('refuses a batch over the configured limit', async () => {
    const { queue } = make({ maxBatchSize: 3 });
    const jobs = Array.from({ length: 4 }, () => ({ type: 'noop' }));
    await expect(queue.enqueueBatch(jobs)).rejects.toBeInstanceOf(BatchTooLargeError);
    await expect(queue.enqueueBatch(jobs.slice(0, 3))).resolves.toHaveLength(3);
  });

  it('writes a batch far larger than one Lua call can unpack, whole', async () => {
    const { queue, admin } = make({ maxBatchSize: 12_000 });
    await queue.enqueueBatch(Array.from({ length: 12_000 }, () => ({ type: 'noop', priority: 'high' })));
    expect((await admin.stats()).totals.waiting).toBe(12_000);
    expect(await queue.dequeue({ count: 1000 })).toHaveLength(1000);
  });

  it('enqueues a batch in order, with ids that sort in enqueue order', async () => {
    const { queue, admin } = make();
    const results = await queue.enqueueBatch(Array.from({ length: 50 }, (_, i) => ({ type: 'noop', payload: i })));
    const ids = results.map((r) => r.id);
    expect([...ids].sort()).toEqual(ids);
    expect((await admin.peek('default', 50)).map((j) => j.payload)).toEqual(results.map((_, i) => i));
  });

  it('returns the original job for a repeated idempotency key instead of a duplicate', async () => {
    const { queue, admin } = make();
    const first = await queue.enqueue({ type: 'noop', payload: 'first', idempotencyKey: 'order-42' });
    const again = await queue.enqueue({ type: 'noop', payload: 'second', idempotencyKey: 'order-42' });
    expect(again).toMatchObject({ id: first.id, duplicate: true, job: { id: first.id, payload: 'first' } });
    const [inBatch, fresh] = await queue.enqueueBatch([
      { type: 'noop', idempotencyKey: 'order-42' },
      { type: 'noop', idempotencyKey: 'order-43' },
    ]);
    expect(inBatch).toMatchObject({ id: first.id, duplicate: true });
    expect(fresh).toMatchObject({ duplicate: false });
    expect((await admin.stats()).totals.waiting).toBe(2);
  });

  it('treats the same idempotency key twice in one batch as one job', async () => {
    const { queue, admin } = make();
    const [a, b] = await queue.enqueueBatch([
      { type: 'noop', idempotencyKey: 'same' },
      { type: 'noop', idempotencyKey: 'same' },
    ]);
    expect(b).toMatchObject({ id: a!.id, duplicate: true });
    expect((await admin.stats()).totals.waiting).toBe(1);
  });

  it('forgets an idempotency key after its TTL', async () => {
    const { queue } = make({ idempotencyTtlMs: 50 });
    const first = await queue.enqueue({ type: 'noop', idempotencyKey: 'short' });
    await new Promise((r) => setTimeout(r, 80));
    const again = await queue.enqueue({ type: 'noop', idempotencyKey: 'short' });
    expect(again.duplicate).toBe(false);
    expect(again.id).not.toBe(first.id);
  });

  it('coalesces concurrent single enqueues without mixing up their results', async () => {
    const { queue, admin } = make();
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => queue.enqueue({ type: 'noop', payload: { i } })));
    expect(new Set(results.map((r) => r.id)).size).toBe(200);
    results.forEach((r, i) => expect(r.job?.payload).toEqual({ i }));
    // What Redis stored under each returned id is that caller's job.
    const stored = await Promise.all(results.map((r) => admin.info(r.id)));
    stored.forEach((info, i) => expect(info.job.payload).toEqual({ i }));
    expect((await admin.stats()).totals.waiting).toBe(200);
  });
});
