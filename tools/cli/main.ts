import { parseArgs } from 'node:util';
import type { PresentedInfo, PresentedJob } from '../../functions/admin/services/present';
import type { AuditRecord } from '../../functions/admin/services/audit';
import type { TraceTree } from '../local/traces/tree';
import type { QueueStats } from '../../shared/queue';
import type { ActionPlatform } from '../../shared/tracing';
import { ApiError, call } from './client';
import { runControl, type ControlFlags } from './controls';
import { formatAudit, formatDeadLetters, formatInfo, formatJobs, formatStats, formatTrace, formatTree } from './format';
import { resolveTarget, UsageError, type Target } from './target';

const HELP = `queue-admin <command> [options]

  stats                                   depths, in flight, delayed and dead, per queue
  peek <queue> [-n N]                     the next N jobs of a queue (default 10, at most 100)
  info <jobId>                            one job: state, attempts, failures, trace
  dlq [-n N]                              the oldest N dead letters, with reasons and failures
  purge <queue|dlq|all> --reason "…" --yes
                                          delete every job of a queue, the dead letters, or everything
  requeue (--all | <jobId>…) [--reason "…"]
                                          move dead letters back to their queues
  pause <queue> --reason "…"              stop pollers taking from a queue (it keeps accepting jobs)
  resume <queue> --reason "…"             let pollers take from it again
  limits <queue> [--concurrency N|none] [--rate N/duration|none] --reason "…"
                                          a queue's limits over every poller (left out: none)
  schedulers [list]                       job schedulers: when, next occurrence, fired, missed
  schedulers get <name>
  schedulers set <name> (--cron "m h dom mon dow" [--timezone Europe/Berlin] | --every 5m)
                 --type T [--queue Q] [--priority P] [--payload JSON] [--attempts N] --reason "…"
  schedulers delete <name> --reason "…"
  audit [-n N]                            the newest N admin operations (default 50)
  console                                 a sign-in link to the web console (with --url of a deployed stage:
                                          serves the console here, its calls signed with SigV4, until Ctrl-C)
  trace <jobId>                           a job's trace: id, URL, copy/open commands (and the span tree locally)

options
  --url URL        the API: the local pipeline (default: the one npm start is running) or a deployed
                   stage, e.g. https://abc123.execute-api.eu-west-1.amazonaws.com/prod (QUEUE_ADMIN_URL)
  --region R       for a deployed API whose URL does not say (default: from the URL, then AWS_REGION)
  --platform P     whose shell the trace commands are for: darwin, linux, win32 (default: this one)
  --json           machine-readable output: the API's JSON answer
  -h, --help

A deployed API is called with SigV4 and the standard AWS credential chain; the local one with its admin
token (QUEUE_ADMIN_TOKEN, or the state file npm start writes).`;

interface Flags extends ControlFlags {
  url?: string;
  region?: string;
  platform?: string;
  json?: boolean;
  n?: string;
  reason?: string;
  yes?: boolean;
  all?: boolean;
  help?: boolean;
}

const PLATFORMS: readonly ActionPlatform[] = ['darwin', 'linux', 'win32'];

function platformOf(flag: string | undefined): ActionPlatform {
  const p = flag ?? process.platform;
  const found = PLATFORMS.find((x) => x === p);
  if (found) return found;
  if (flag !== undefined) throw new UsageError(`--platform: must be one of ${PLATFORMS.join(', ')}`);
  return 'linux';
}

function count(flag: string | undefined, fallback: number): string {
  if (flag === undefined) return String(fallback);
  if (!/^\d+$/.test(flag)) throw new UsageError('-n: must be a whole number');
  return flag;
}

function one(positionals: readonly string[], what: string): string {
  if (positionals.length !== 1) throw new UsageError(`expected ${what}`);
  return positionals[0]!;
}

type Output = { json: unknown; text: string };

async function run(command: string, args: readonly string[], flags: Flags, target: () => Target): Promise<Output> {
  const platform = platformOf(flags.platform);
  switch (command) {
    case 'stats': {
      const s = (await call(target(), 'GET', '/admin/stats')) as QueueStats;
      return { json: s, text: formatStats(s) };
    }
    case 'peek': {
      const queue = one(args, 'a queue name: peek <queue>');
      const r = (await call(target(), 'GET', `/admin/queues/${encodeURIComponent(queue)}/peek`, {
        count: count(flags.n, 10),
        platform,
      })) as { jobs: PresentedJob[] };
      return { json: r, text: formatJobs(r.jobs) };
    }
    case 'info': {
      const id = one(args, 'a job id: info <jobId>');
      const r = (await call(target(), 'GET', `/admin/jobs/${encodeURIComponent(id)}`, { platform })) as PresentedInfo;
      return { json: r, text: formatInfo(r) };
    }
    case 'dlq': {
      const r = (await call(target(), 'GET', '/admin/dlq', { count: count(flags.n, 10), platform })) as { jobs: PresentedInfo[] };
      return { json: r, text: formatDeadLetters(r.jobs) };
    }
    case 'purge': {
      const what = one(args, 'what to purge: purge <queue|dlq|all> --reason "…" --yes');
      if (!flags.reason) throw new UsageError('purge needs --reason "…" (3 to 500 characters, kept in the audit trail)');
      if (!flags.yes) throw new UsageError(`purge deletes jobs for good: add --yes to confirm purging ${what}`);
      const [path, confirmation] =
        what === 'all'
          ? ['/admin/purge', 'CONFIRM_DELETE_ALL']
          : what === 'dlq'
            ? ['/admin/dlq/purge', 'CONFIRM_DELETE']
            : [`/admin/queues/${encodeURIComponent(what)}/purge`, 'CONFIRM_DELETE'];
      const r = (await call(target(), 'POST', path, {}, { confirmation, reason: flags.reason })) as { removed?: number };
      return { json: r, text: `purged ${what}: ${r.removed ?? 0} jobs removed` };
    }
    case 'requeue': {
      if (flags.all === args.length > 0) throw new UsageError('requeue takes either --all or job ids');
      const body = { ...(flags.all ? { all: true } : { ids: args }), ...(flags.reason ? { reason: flags.reason } : {}) };
      const r = (await call(target(), 'POST', '/admin/dlq/requeue', {}, body)) as { requeued?: number };
      return { json: r, text: `requeued ${r.requeued ?? 0} jobs` };
    }
    case 'audit': {
      const r = (await call(target(), 'GET', '/admin/audit', { count: count(flags.n, 50) })) as { entries: AuditRecord[] };
      return { json: r, text: formatAudit(r.entries) };
    }
    case 'trace': {
      const id = one(args, 'a job id: trace <jobId>');
      const t = target();
      const info = (await call(t, 'GET', `/admin/jobs/${encodeURIComponent(id)}`, { platform })) as PresentedInfo;
      const trace = info.job.trace;
      // The local viewer serves the trace itself: show it, when it is there.
      const tree = t.kind === 'local' && trace?.url?.startsWith(`${t.url.origin}/traces/`) ? await localTree(t, trace.traceId) : undefined;
      const text = [`job ${id}`, formatTrace(info.job), ...(tree ? ['', formatTree(tree)] : [])].join('\n');
      return { json: { jobId: id, trace, ...(tree ? { tree } : {}) }, text };
    }
    default: {
      const out = await runControl(command, args, flags, target);
      if (!out) throw new UsageError(`unknown command ${JSON.stringify(command)}; see queue-admin --help`);
      return out;
    }
  }
}

async function localTree(t: Target, traceId: string): Promise<TraceTree | undefined> {
  try {
    const res = await fetch(`${t.url.origin}/traces/${traceId}`, { signal: AbortSignal.timeout(10_000) });
    return res.ok ? ((await res.json()) as TraceTree) : undefined;
  } catch {
    return undefined;
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  let parsed: { values: Flags; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        region: { type: 'string' },
        platform: { type: 'string' },
        json: { type: 'boolean' },
        n: { type: 'string', short: 'n' },
        reason: { type: 'string' },
        yes: { type: 'boolean' },
        all: { type: 'boolean' },
        concurrency: { type: 'string' },
        rate: { type: 'string' },
        cron: { type: 'string' },
        timezone: { type: 'string' },
        every: { type: 'string' },
        type: { type: 'string' },
        queue: { type: 'string' },
        priority: { type: 'string' },
        payload: { type: 'string' },
        attempts: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }) as { values: Flags; positionals: string[] };
  } catch (error) {
    console.error(`queue-admin: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values: flags, positionals } = parsed;
  const [command, ...args] = positionals;
  if (flags.help || !command) {
    (flags.help ? console.log : console.error)(HELP);
    return flags.help ? 0 : 2;
  }
  try {
    const out = await run(command, args, flags, () =>
      resolveTarget({ ...(flags.url ? { url: flags.url } : {}), ...(flags.region ? { region: flags.region } : {}) }),
    );
    console.log(flags.json ? JSON.stringify(out.json, null, 2) : out.text);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`queue-admin: ${error.message}`);
      return 2;
    }
    if (error instanceof ApiError) {
      const where = error.field ? ` (${error.field})` : '';
      console.error(`queue-admin: ${error.status ? `HTTP ${error.status}: ` : ''}${error.message}${where}`);
      if (flags.json)
        console.log(
          JSON.stringify({ error: { status: error.status, message: error.message, ...(error.field ? { field: error.field } : {}) } }),
        );
      return 1;
    }
    throw error;
  }
}
