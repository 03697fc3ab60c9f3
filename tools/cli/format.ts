import type { PresentedInfo, PresentedJob } from '../../functions/admin/services/present';
import type { AuditRecord } from '../../functions/admin/services/audit';
import type { QueueControls, QueueLimits, QueueStats } from '../../shared/queue';
import type { SchedulerInfo } from '../../shared/queue/schedulers';
import type { SpanNode, TraceTree } from '../local/traces/tree';

/** Columns padded to their widest cell; numbers right-aligned. */
export function table(head: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const numeric = head.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(cells[0]!), ...cells.slice(1).map(line)].join('\n');
}

const age = (ms: number | null) =>
  ms === null ? '-' : ms < 1000 ? `${ms}ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 60_000)}m`;
const time = (ms: number | undefined) => (ms === undefined ? '-' : new Date(ms).toISOString());

/** A queue's limits in a few characters: `conc 5, 100/60s`, or `-`. */
export function formatLimits(limits: QueueLimits): string {
  const parts = [
    ...(limits.concurrency !== null ? [`conc ${limits.concurrency}`] : []),
    ...(limits.rate ? [`${limits.rate.max}/${age(limits.rate.perMs)}`] : []),
  ];
  return parts.length ? parts.join(', ') : '-';
}

export function formatStats(s: QueueStats): string {
  const rows = s.queues.map((q) => [
    q.name,
    q.waiting,
    q.active,
    q.delayed,
    age(q.oldestAgeMs),
    q.priorities.map((p) => `${p.name}:${p.waiting}`).join(' '),
    formatLimits(q.limits),
    q.paused ? 'paused' : q.heldBack ? `held (${q.heldBack})` : 'running',
  ]);
  return [
    table(['queue', 'waiting', 'active', 'delayed', 'oldest', 'by priority', 'limits', 'state'], rows),
    '',
    `total waiting ${s.totals.waiting}, active ${s.totals.active}, delayed ${s.totals.delayed}; dead letters ${s.dead}; completed (kept) ${s.completedHistory}`,
  ].join('\n');
}

/** A job's trace: id, link and the commands to copy or open it on this platform (and its failure trace). */
export function formatTrace(job: PresentedJob): string {
  if (!job.trace) return '  trace: none (the job carries no trace context)';
  const t = job.trace;
  const lines = [`  trace ${t.traceId}${t.sampled ? '' : ' (not sampled: never exported)'}`];
  if (t.url) lines.push(`    url   ${t.url}`);
  for (const a of t.actions) if (a.command) lines.push(`    ${a.type.padEnd(5)} ${a.command}`);
  const f = job.failureTrace;
  if (f) {
    lines.push(`  failures recorded in trace ${f.traceId} (its own trace was not sampled)`);
    if (f.url) lines.push(`    url   ${f.url}`);
  }
  return lines.join('\n');
}

export function formatJobs(jobs: readonly PresentedJob[]): string {
  if (jobs.length === 0) return '(no jobs)';
  const rows = jobs.map((j) => [j.id, j.type, j.priority, j.attempts, j.trace?.traceId ?? '-']);
  return [table(['id', 'type', 'priority', 'attempts', 'trace id'], rows), '', ...jobs.map((j) => `${j.id}\n${formatTrace(j)}`)].join('\n');
}

export function formatInfo(info: PresentedInfo): string {
  const j = info.job;
  const lines = [
    `job ${j.id}: ${info.state}${info.position !== undefined ? ` (position ${info.position})` : ''}`,
    `  queue ${j.queue}, type ${j.type}, priority ${j.priority}, attempts ${j.attempts}/${j.maxAttempts}, requeues ${info.requeues}`,
    `  enqueued ${time(j.enqueuedAt)}${info.since !== undefined ? `, since ${time(info.since)}` : ''}`,
  ];
  if (info.deadReason) lines.push(`  dead: ${info.deadReason}`);
  for (const f of info.failures) lines.push(`  attempt ${f.attempt} failed (${f.kind}) at ${time(f.at)}: ${f.error}`);
  lines.push(formatTrace(j));
  return lines.join('\n');
}

export function formatDeadLetters(jobs: readonly PresentedInfo[]): string {
  if (jobs.length === 0) return '(the dead-letter queue is empty)';
  return jobs.map(formatInfo).join('\n\n');
}

export function formatAudit(entries: readonly AuditRecord[]): string {
  if (entries.length === 0) return '(no audit records)';
  return table(
    ['time', 'principal', 'operation', 'target', 'count', 'outcome', 'reason'],
    entries.map((e) => [e.time, e.principal, e.operation, e.target, e.count ?? '-', e.outcome, e.reason]),
  );
}

/** The local viewer's span tree, one span a line, indented by depth. */
export function formatTree(tree: TraceTree): string {
  const lines = [
    `trace ${tree.traceId} (${tree.xrayTraceId}): ${tree.spanCount} spans, ${tree.durationMs} ms, services ${tree.services.join(', ')}`,
  ];
  const walk = (n: SpanNode, depth: number) => {
    const status = n.status.code === 'ERROR' ? `  ERROR${n.status.message ? `: ${n.status.message}` : ''}` : '';
    const events = n.events.length ? `  [${n.events.map((e) => e.name).join(', ')}]` : '';
    lines.push(`${'  '.repeat(depth + 1)}${n.name}  (${n.service}, ${n.durationMs} ms)${status}${events}`);
    for (const c of n.children) walk(c, depth + 1);
  };
  for (const root of tree.spans) walk(root, 0);
  return lines.join('\n');
}

export function formatControls(c: QueueControls & { changed?: boolean }): string {
  const state = c.paused ? `paused since ${c.paused.at} by ${c.paused.by}: ${c.paused.reason}` : 'running';
  return `queue ${c.queue}: ${state}; limits ${formatLimits(c.limits)}${c.changed === false ? ' (unchanged)' : ''}`;
}

export function formatSchedulers(list: readonly SchedulerInfo[]): string {
  if (list.length === 0) return '(no schedulers)';
  const rows = list.map((s) => [
    s.name,
    s.cron ? `${s.cron}${s.timezone ? ` (${s.timezone})` : ''}` : `every ${age(s.everyMs ?? 0)}`,
    s.job.type,
    s.job.queue ?? 'default',
    s.nextAt ?? '-',
    s.fired,
    s.missed,
    s.last ? `${s.last.jobId} at ${s.last.at}` : '-',
  ]);
  return table(['scheduler', 'when', 'type', 'queue', 'next', 'fired', 'missed', 'last'], rows);
}
