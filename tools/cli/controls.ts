import type { QueueControls, QueueLimits } from '../../shared/queue';
import type { SchedulerInfo } from '../../shared/queue/schedulers';
import { call } from './client';
import { serveConsole } from './console-server';
import { formatControls, formatSchedulers } from './format';
import { UsageError, type Target } from './target';

/** The flags the control commands read. */
export interface ControlFlags {
  reason?: string;
  concurrency?: string;
  rate?: string;
  cron?: string;
  timezone?: string;
  every?: string;
  type?: string;
  queue?: string;
  priority?: string;
  payload?: string;
  attempts?: string;
}

type Output = { json: unknown; text: string };

function reasonOf(flags: ControlFlags, what: string): string {
  if (!flags.reason) throw new UsageError(`${what} needs --reason "…" (3 to 500 characters, kept in the audit trail)`);
  return flags.reason;
}

const whole = (flag: string, value: string): number => {
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag}: must be a whole number`);
  return Number(value);
};

/** `10s`, `5m`, `1h`, `250ms` or plain milliseconds. */
export function durationMs(flag: string, value: string): number {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(value);
  if (!m) throw new UsageError(`${flag}: must be a duration such as 500ms, 10s, 5m, 1h or 1d`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 'ms') as 'ms'];
}

/** `--rate 100/1m`: at most 100 jobs started per minute. */
function rateOf(value: string): QueueLimits['rate'] {
  if (value === 'none') return null;
  const [max, per, extra] = value.split('/');
  if (!max || !per || extra !== undefined) throw new UsageError('--rate: must be N/duration, such as 100/1m, or none');
  return { max: whole('--rate', max), perMs: durationMs('--rate', per) };
}

function one(args: readonly string[], what: string): string {
  if (args.length !== 1) throw new UsageError(`expected ${what}`);
  return args[0]!;
}

/** pause, resume, limits and schedulers; undefined for any other command. */
export async function runControl(
  command: string,
  args: readonly string[],
  flags: ControlFlags,
  target: () => Target,
): Promise<Output | undefined> {
  const queuePath = (queue: string, op: string) => `/admin/queues/${encodeURIComponent(queue)}/${op}`;
  switch (command) {
    case 'pause':
    case 'resume': {
      const queue = one(args, `a queue name: ${command} <queue> --reason "…"`);
      const r = (await call(target(), 'POST', queuePath(queue, command), {}, { reason: reasonOf(flags, command) })) as QueueControls;
      return { json: r, text: formatControls(r) };
    }
    case 'limits': {
      const queue = one(args, 'a queue name: limits <queue> [--concurrency N|none] [--rate N/duration|none] --reason "…"');
      const concurrency =
        flags.concurrency === undefined || flags.concurrency === 'none' ? null : whole('--concurrency', flags.concurrency);
      const rate = flags.rate === undefined ? null : rateOf(flags.rate);
      const body = { concurrency, rate, reason: reasonOf(flags, 'limits') };
      const r = (await call(target(), 'PUT', queuePath(queue, 'limits'), {}, body)) as QueueControls;
      return { json: r, text: formatControls(r) };
    }
    case 'schedulers':
      return schedulers(args, flags, target);
    case 'console': {
      const t = target();
      if (t.kind === 'local') {
        const r = (await call(t, 'POST', '/console/login')) as { url: string };
        return { json: r, text: `open in a browser (once, within 10 minutes): ${r.url}` };
      }
      // A deployed stage: serve the pages here, signing their calls; until Ctrl-C.
      const served = await serveConsole(t);
      console.log(`console for ${t.url.origin} — open in a browser (once, within 10 minutes): ${served.loginUrl()}\nCtrl-C stops it.`);
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
      await served.close();
      return { json: { stopped: true }, text: 'stopped' };
    }
    default:
      return undefined;
  }
}

async function schedulers(args: readonly string[], flags: ControlFlags, target: () => Target): Promise<Output> {
  const [sub, ...rest] = args;
  const path = (name: string) => `/admin/schedulers/${encodeURIComponent(name)}`;
  switch (sub ?? 'list') {
    case 'list': {
      const r = (await call(target(), 'GET', '/admin/schedulers')) as { schedulers: SchedulerInfo[] };
      return { json: r, text: formatSchedulers(r.schedulers) };
    }
    case 'get': {
      const r = (await call(target(), 'GET', path(one(rest, 'a scheduler name: schedulers get <name>')))) as SchedulerInfo;
      return { json: r, text: formatSchedulers([r]) };
    }
    case 'set': {
      const name = one(rest, 'a scheduler name: schedulers set <name> (--cron "…" [--timezone Z] | --every 5m) --type T …');
      if ((flags.cron === undefined) === (flags.every === undefined))
        throw new UsageError('schedulers set takes --cron "…" or --every <duration>');
      if (!flags.type) throw new UsageError('schedulers set needs --type: the job type each occurrence enqueues');
      let payload: unknown;
      if (flags.payload !== undefined) {
        try {
          payload = JSON.parse(flags.payload);
        } catch {
          throw new UsageError('--payload: must be JSON');
        }
      }
      const job = {
        type: flags.type,
        ...(flags.queue ? { queue: flags.queue } : {}),
        ...(flags.priority ? { priority: flags.priority } : {}),
        ...(payload !== undefined ? { payload } : {}),
        ...(flags.attempts ? { maxAttempts: whole('--attempts', flags.attempts) } : {}),
      };
      const when =
        flags.cron !== undefined
          ? { cron: flags.cron, ...(flags.timezone ? { timezone: flags.timezone } : {}) }
          : { everyMs: durationMs('--every', flags.every!) };
      const r = (await call(target(), 'PUT', path(name), {}, { ...when, job, reason: reasonOf(flags, 'schedulers set') })) as {
        scheduler: SchedulerInfo;
        created: boolean;
      };
      return { json: r, text: `${r.created ? 'created' : 'replaced'} scheduler ${name}\n${formatSchedulers([r.scheduler])}` };
    }
    case 'delete': {
      const name = one(rest, 'a scheduler name: schedulers delete <name> --reason "…"');
      const r = (await call(target(), 'DELETE', path(name), {}, { reason: reasonOf(flags, 'schedulers delete') })) as { deleted: boolean };
      return { json: r, text: r.deleted ? `deleted scheduler ${name}` : `no scheduler ${name}` };
    }
    default:
      throw new UsageError(`schedulers: unknown subcommand ${JSON.stringify(sub)} (list, get, set, delete)`);
  }
}
