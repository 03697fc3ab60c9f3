import { QueueError } from '../../shared/queue';
import { JobSchedulers, SchedulerNotFoundError } from '../../shared/queue/schedulers';
import { connect, queueFixtures } from '../support/redis';

const make = queueFixtures('schedulers');
const at = (iso: string) => Date.parse(iso);

function fixture() {
  const f = make();
  return { ...f, schedulers: new JobSchedulers(f.redis, { namespace: f.namespace }) };
}

describe('job schedulers', () => {
  it('are created, listed, replaced and deleted by name', async () => {
    const { schedulers } = fixture();
    const t0 = at('2026-01-01T00:01:00Z');
    const { scheduler, created } = await schedulers.set({ name: 'report', cron: '*/5 * * * *', job: { type: 'noop' } }, t0);
    expect(created).toBe(true);
    expect(scheduler).toMatchObject({ name: 'report', nextAt: '2026-01-01T00:05:00.000Z', fired: 0, missed: 0, last: null });
    const replaced = await schedulers.set({ name: 'report', everyMs: 60_000, job: { type: 'noop', priority: 'high' } }, t0 + 1000);
    expect(replaced.created).toBe(false);
    expect(replaced.scheduler).toMatchObject({
      everyMs: 60_000,
      createdAt: '2026-01-01T00:01:00.000Z',
      nextAt: '2026-01-01T00:02:01.000Z',
    });
    expect(replaced.scheduler.cron).toBeUndefined();
    await schedulers.set({ name: 'nightly', cron: '0 2 * * *', timezone: 'Europe/Berlin', job: { type: 'noop' } }, t0);
    expect((await schedulers.list()).map((s) => s.name)).toEqual(['nightly', 'report']);
    expect(await schedulers.remove('report')).toBe(true);
    expect(await schedulers.remove('report')).toBe(false);
    await expect(schedulers.get('report')).rejects.toBeInstanceOf(SchedulerNotFoundError);
  });

  it('refuse a definition they could not run, naming the field', async () => {
    const { schedulers } = fixture();
    const refused = async (def: object, argument: string) => {
      const error = await schedulers.set({ name: 'x', job: { type: 'noop' }, ...def } as never).catch((e: unknown) => e);
      // The definition's own fields, or (JobValidationError) the job template's, checked as a job's are.
      expect(error).toBeInstanceOf(QueueError);
      const named = error as { argument?: string; field?: string };
      expect(named.argument ?? named.field).toBe(argument);
    };
    await refused({ cron: '0 * * * * *' }, 'cron'); // 6 fields
    await refused({ cron: '61 * * * *' }, 'cron');
    await refused({ cron: '0 0 30 2 *' }, 'cron'); // never occurs
    await refused({ cron: '0 9 * * *', timezone: 'Mars/Olympus' }, 'timezone');
    await refused({ cron: '0 9 * * *', everyMs: 60_000 }, 'cron');
    await refused({}, 'cron');
    await refused({ everyMs: 10 }, 'everyMs');
    await refused({ everyMs: 60_000, job: { type: 'noop', priority: 'urgent' } }, 'job.priority');
    await refused({ everyMs: 60_000, job: { type: 'noop', delayMs: 5 } }, 'job.delayMs');
    await refused({ name: 'a:b', everyMs: 60_000 }, 'name');
  });

  it('enqueue each occurrence once when its time comes, with the scheduler on the job', async () => {
    const { schedulers, queue } = fixture();
    const t0 = at('2026-01-01T00:01:00Z');
    await schedulers.set({ name: 'report', cron: '*/5 * * * *', job: { type: 'noop', payload: { kind: 'daily' } } }, t0);
    expect(await schedulers.fire({ now: at('2026-01-01T00:04:59Z') })).toEqual([]);
    const fired = await schedulers.fire({ now: at('2026-01-01T00:05:10Z') });
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ at: at('2026-01-01T00:05:00Z'), missed: 0 });
    expect(await schedulers.fire({ now: at('2026-01-01T00:05:20Z') })).toEqual([]);
    const [job] = await queue.dequeue({ count: 10 });
    expect(job).toMatchObject({
      id: fired[0]!.jobId,
      payload: { kind: 'daily' },
      scheduler: { name: 'report', at: at('2026-01-01T00:05:00Z') },
    });
    expect(await schedulers.get('report')).toMatchObject({
      fired: 1,
      last: { jobId: job!.id, at: '2026-01-01T00:05:00.000Z' },
      nextAt: '2026-01-01T00:10:00.000Z',
    });
  });

  it('enqueue an occurrence exactly once however many pollers fire at that moment', async () => {
    const { namespace, queue } = fixture();
    const clients = Array.from({ length: 8 }, () => connect());
    const pollers = clients.map((c) => new JobSchedulers(c, { namespace }));
    const t0 = at('2026-03-01T12:00:00Z');
    await pollers[0]!.set({ name: 'tick', everyMs: 60_000, job: { type: 'noop' } }, t0);
    await pollers[0]!.set({ name: 'tock', cron: '* * * * *', job: { type: 'noop' } }, t0);
    let total = 0;
    for (let minute = 1; minute <= 5; minute++) {
      const now = t0 + minute * 60_000 + 30;
      const fired = (await Promise.all(pollers.map((p) => p.fire({ now })))).flat();
      expect(fired.map((o) => o.scheduler.name).sort()).toEqual(['tick', 'tock']);
      total += fired.length;
    }
    clients.forEach((c) => c.disconnect());
    expect(total).toBe(10);
    expect(await queue.dequeue({ count: 100 })).toHaveLength(10);
  });

  it('run the latest of the occurrences missed while nothing ran once, and count the others as missed', async () => {
    const { schedulers, queue } = fixture();
    const t0 = at('2026-01-01T00:00:00Z');
    await schedulers.set({ name: 'minutely', cron: '* * * * *', job: { type: 'noop' } }, t0);
    await schedulers.set({ name: 'every10s', everyMs: 10_000, job: { type: 'noop' } }, t0);
    // Nothing ran for 10.5 minutes.
    const fired = await schedulers.fire({ now: t0 + 630_000 });
    const byName = Object.fromEntries(fired.map((o) => [o.scheduler.name, o]));
    expect(byName.minutely).toMatchObject({ at: t0 + 600_000, missed: 9 });
    expect(byName.every10s).toMatchObject({ at: t0 + 630_000, missed: 62 });
    expect(await queue.dequeue({ count: 100 })).toHaveLength(2);
    expect(await schedulers.get('minutely')).toMatchObject({ fired: 1, missed: 9, nextAt: '2026-01-01T00:11:00.000Z' });
    expect(await schedulers.get('every10s')).toMatchObject({ missed: 62, nextAt: '2026-01-01T00:10:40.000Z' });
  });

  it('read a cron expression in its time zone, daylight saving included', async () => {
    const { schedulers } = fixture();
    const winter = await schedulers.set(
      { name: 'berlin', cron: '0 9 * * *', timezone: 'Europe/Berlin', job: { type: 'noop' } },
      at('2026-01-10T12:00:00Z'),
    );
    expect(winter.scheduler.nextAt).toBe('2026-01-11T08:00:00.000Z');
    const summer = await schedulers.set(
      { name: 'berlin', cron: '0 9 * * *', timezone: 'Europe/Berlin', job: { type: 'noop' } },
      at('2026-07-10T12:00:00Z'),
    );
    expect(summer.scheduler.nextAt).toBe('2026-07-11T07:00:00.000Z');
  });
});
