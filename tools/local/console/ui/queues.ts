import type { QueueStats } from '../../../../shared/queue/types';
import { get } from './api';
import { age, h, link, svg } from './dom';

const EVERY_MS = 2000;
const KEEP = 150; // five minutes of samples

interface Sample {
  readonly at: number;
  readonly completed: number;
  readonly failed: number;
}

/** Counter samples, kept across page changes: the rates chart covers the minutes since the console opened. */
const samples: Sample[] = [];

function record(stats: QueueStats): void {
  const sum = (f: (c: QueueStats['queues'][number]['counters']) => number) => stats.queues.reduce((n, q) => n + f(q.counters), 0);
  samples.push({ at: stats.now, completed: sum((c) => c.completed), failed: sum((c) => c.failed) });
  if (samples.length > KEEP) samples.shift();
}

/** Completed and failed per second between samples, as two lines over the sampled minutes. */
function chart(): SVGElement {
  const W = 600;
  const H = 90;
  const rates = samples.slice(1).map((s, i) => {
    const dt = Math.max(1, s.at - samples[i]!.at) / 1000;
    return {
      completed: Math.max(0, (s.completed - samples[i]!.completed) / dt),
      failed: Math.max(0, (s.failed - samples[i]!.failed) / dt),
    };
  });
  const top = Math.max(1, ...rates.map((r) => Math.max(r.completed, r.failed)));
  const line = (pick: (r: (typeof rates)[number]) => number) =>
    rates.map((r, i) => `${((i + 1) / KEEP) * W},${H - (pick(r) / top) * (H - 10)}`).join(' ');
  const last = rates[rates.length - 1];
  return svg(
    'svg',
    { viewBox: `0 0 ${W} ${H + 14}`, class: 'chart', role: 'img', 'aria-label': 'completed and failed jobs per second' },
    svg('polyline', { points: line((r) => r.completed), class: 'completed' }),
    svg('polyline', { points: line((r) => r.failed), class: 'failed' }),
    Object.assign(svg('text', { x: 4, y: H + 12 }), {
      textContent: `completed ${last ? last.completed.toFixed(1) : 0}/s · failed ${last ? last.failed.toFixed(1) : 0}/s · peak ${top.toFixed(1)}/s · last ${age(samples.length > 1 ? samples[samples.length - 1]!.at - samples[0]!.at : 0)}`,
    }),
  );
}

function table(stats: QueueStats): HTMLElement {
  const rows = stats.queues.map((q) =>
    h(
      'tr',
      { 'data-queue': q.name },
      h('td', {}, link(`/console/jobs?queue=${encodeURIComponent(q.name)}`, q.name)),
      h('td', { class: 'n', 'data-count': 'waiting' }, q.waiting),
      h('td', { class: 'n', 'data-count': 'delayed' }, q.delayed),
      h('td', { class: 'n', 'data-count': 'active' }, q.active),
      h('td', { class: 'n' }, age(q.oldestAgeMs)),
      h('td', {}, q.priorities.map((p) => `${p.name} ${p.waiting}`).join(' · ')),
      h('td', { class: 'n', 'data-count': 'completed' }, q.counters.completed),
      h('td', { class: 'n' }, q.counters.failed),
      h('td', { class: 'n' }, q.counters.deadLettered),
      h(
        'td',
        { class: q.paused ? 'paused' : q.heldBack ? 'held' : '' },
        q.paused ? `paused: ${q.paused.reason}` : q.heldBack ? `held (${q.heldBack})` : 'running',
        q.limits.concurrency !== null ? ` · conc ${q.limits.concurrency}` : '',
        q.limits.rate ? ` · ${q.limits.rate.max}/${age(q.limits.rate.perMs)}` : '',
      ),
    ),
  );
  return h(
    'table',
    { id: 'queues' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['queue', 'waiting', 'delayed', 'in flight', 'oldest', 'by priority', 'completed', 'failed', 'dead-lettered', 'state'].map((t) =>
          h('th', {}, t),
        ),
      ),
    ),
    h('tbody', {}, ...rows),
  );
}

/** The queues page: counts per queue and priority, dead letters, and the rates, refreshed every 2 s. */
export function queuesPage(root: HTMLElement, signal: AbortSignal): void {
  const refresh = async () => {
    try {
      const stats = await get<QueueStats>('/admin/stats');
      record(stats);
      root.replaceChildren(
        h('h1', {}, 'Queues'),
        table(stats),
        h(
          'p',
          { class: 'totals' },
          `waiting ${stats.totals.waiting} · delayed ${stats.totals.delayed} · in flight ${stats.totals.active} · `,
          link('/console/dlq', h('span', { id: 'dead-count' }, `dead ${stats.dead}`)),
          ` · completed (kept) ${stats.completedHistory}`,
        ),
        h('h2', {}, 'Completed and failed per second'),
        chart(),
      );
    } catch (error) {
      root.replaceChildren(h('h1', {}, 'Queues'), h('p', { class: 'error' }, (error as Error).message));
    }
  };
  void refresh();
  const timer = setInterval(() => void refresh(), EVERY_MS);
  signal.addEventListener('abort', () => clearInterval(timer));
}
