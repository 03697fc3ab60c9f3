import type { PresentedInfo } from '../../../../functions/admin/services/present';
import { get } from './api';
import { h, link, time, traceLink } from './dom';

const STATES = ['waiting', 'delayed', 'active', 'dead', 'completed'] as const;

const traceOf = (info: PresentedInfo) => traceLink(info.job.trace);

/** Jobs by state (of one queue for waiting, delayed and active), each linking to its record and trace. */
export async function jobsPage(root: HTMLElement, params: URLSearchParams): Promise<void> {
  const state = (STATES as readonly string[]).includes(params.get('state') ?? '') ? params.get('state')! : 'waiting';
  const queue = params.get('queue') ?? 'default';
  const tabs = h(
    'nav',
    { class: 'tabs' },
    ...STATES.map((s) =>
      link(`/console/jobs?state=${s}&queue=${encodeURIComponent(queue)}`, h('span', { class: s === state ? 'on' : '' }, s)),
    ),
  );
  root.replaceChildren(h('h1', {}, `Jobs — ${queue}`), tabs, h('p', {}, 'loading…'));
  try {
    const { jobs } = await get<{ jobs: PresentedInfo[] }>(`/admin/jobs?state=${state}&queue=${encodeURIComponent(queue)}&count=100`);
    const rows = jobs.map((info) =>
      h(
        'tr',
        {},
        h('td', {}, link(`/console/jobs/${info.job.id}`, info.job.id)),
        h('td', {}, info.job.type),
        h('td', {}, info.job.queue),
        h('td', {}, info.job.priority),
        h('td', { class: 'n' }, `${info.job.attempts}/${info.job.maxAttempts}`),
        h('td', {}, time(info.job.enqueuedAt)),
        h('td', {}, info.job.lastError ?? ''),
        h('td', {}, traceOf(info)),
      ),
    );
    root.replaceChildren(
      h('h1', {}, `Jobs — ${queue}`),
      tabs,
      jobs.length === 0
        ? h('p', {}, `no ${state} jobs`)
        : h(
            'table',
            {},
            h(
              'thead',
              {},
              h('tr', {}, ...['id', 'type', 'queue', 'priority', 'attempts', 'enqueued', 'last error', ''].map((t) => h('th', {}, t))),
            ),
            h('tbody', {}, ...rows),
          ),
    );
  } catch (error) {
    root.replaceChildren(h('h1', {}, 'Jobs'), tabs, h('p', { class: 'error' }, (error as Error).message));
  }
}

const pre = (value: unknown) => h('pre', {}, JSON.stringify(value, null, 2));

/** One job's whole record: where it is, its payload, attempts, every failure, times, progress, result, trace. */
export async function jobPage(root: HTMLElement, id: string): Promise<void> {
  root.replaceChildren(h('h1', {}, `Job ${id}`), h('p', {}, 'loading…'));
  try {
    const info = await get<PresentedInfo>(`/admin/jobs/${encodeURIComponent(id)}`);
    const { job } = info;
    const facts: Array<[string, Node | string]> = [
      ['state', info.state + (info.deadReason ? ` (${info.deadReason})` : '')],
      ['type', job.type],
      ['queue · priority', `${job.queue} · ${job.priority}`],
      ['attempts', `${job.attempts} of ${job.maxAttempts}`],
      ['created', time(job.createdAt)],
      ['enqueued', time(job.enqueuedAt)],
      ['started', time(info.startedAt)],
      ['finished', time(info.finishedAt)],
      ['requeues', String(info.requeues)],
      ['trace', traceOf(info)],
      ...(info.job.failureTrace
        ? ([['failure trace', traceLink(info.job.failureTrace, 'its failures (own trace not sampled)')]] as Array<[string, Node | string]>)
        : []),
    ];
    root.replaceChildren(
      h('h1', {}, `Job ${id}`),
      h('dl', { class: 'facts' }, ...facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      h('h2', {}, 'Failures'),
      info.failures.length === 0
        ? h('p', {}, 'none')
        : h(
            'table',
            { class: 'failures' },
            h('thead', {}, h('tr', {}, ...['attempt', 'kind', 'error', 'at'].map((t) => h('th', {}, t)))),
            h(
              'tbody',
              {},
              ...info.failures.map((f) =>
                h('tr', {}, h('td', { class: 'n' }, f.attempt), h('td', {}, f.kind), h('td', {}, f.error), h('td', {}, time(f.at))),
              ),
            ),
          ),
      ...(info.progress !== undefined ? [h('h2', {}, 'Progress'), pre(info.progress)] : []),
      ...(info.result !== undefined ? [h('h2', {}, 'Result'), pre(info.result)] : []),
      ...(info.resultOmitted ? [h('p', {}, `result not kept: ${info.resultOmitted}`)] : []),
      h('h2', {}, 'Payload'),
      pre(job.payload),
    );
  } catch (error) {
    root.replaceChildren(h('h1', {}, `Job ${id}`), h('p', { class: 'error' }, (error as Error).message));
  }
}
