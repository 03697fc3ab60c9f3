import type { TraceSummary, TraceTree } from '../../traces/tree';
import { ApiError, get } from './api';
import { duration, h, link, time } from './dom';
import { waterfall } from './waterfall';

/** Recent traces, filtered by service, status, job id or trace id. */
export async function tracesPage(root: HTMLElement, params: URLSearchParams): Promise<void> {
  const { traces } = await get<{ traces: TraceSummary[] }>('/traces?limit=200');
  const services = [...new Set(traces.flatMap((t) => t.services))].sort();
  const form = h(
    'form',
    { class: 'filters', onsubmit: (e: Event) => e.preventDefault() },
    h('select', { name: 'service' }, h('option', { value: '' }, 'any service'), ...services.map((s) => h('option', { value: s }, s))),
    h(
      'select',
      { name: 'status' },
      h('option', { value: '' }, 'any status'),
      h('option', { value: 'error' }, 'with errors'),
      h('option', { value: 'ok' }, 'without'),
    ),
    h('input', { name: 'job', placeholder: 'job id', value: params.get('job') ?? '' }),
    h('input', { name: 'trace', placeholder: 'trace id', value: params.get('trace') ?? '' }),
  );
  const body = h('tbody');
  const render = () => {
    const f = new FormData(form);
    const [service, status, job, trace] = ['service', 'status', 'job', 'trace'].map((k) => String(f.get(k) ?? '').trim());
    const shown = traces.filter(
      (t) =>
        (!service || t.services.includes(service)) &&
        (!status || (status === 'error') === t.errorCount > 0) &&
        (!job || t.jobIds.some((id) => id.includes(job.toUpperCase()))) &&
        (!trace || t.traceId.includes(trace.toLowerCase()) || t.xrayTraceId.includes(trace)),
    );
    body.replaceChildren(
      ...shown.map((t) =>
        h(
          'tr',
          { class: t.errorCount ? 'has-error' : '' },
          h('td', {}, time(t.start)),
          h('td', {}, link(`/traces/${t.traceId}`, t.root.name)),
          h('td', {}, t.services.join(', ')),
          h('td', { class: 'n' }, t.spanCount),
          h('td', { class: 'n' }, t.errorCount),
          h('td', { class: 'n' }, duration(t.durationMs)),
          h('td', {}, t.jobIds.join(', ')),
        ),
      ),
    );
  };
  form.addEventListener('input', render);
  render();
  root.replaceChildren(
    h('h1', {}, 'Traces'),
    form,
    h(
      'table',
      { id: 'traces' },
      h('thead', {}, h('tr', {}, ...['start', 'root', 'services', 'spans', 'errors', 'duration', 'jobs'].map((t) => h('th', {}, t)))),
      body,
    ),
  );
}

/** One trace's waterfall, refreshed while spans are still arriving. */
export async function tracePage(root: HTMLElement, traceId: string, signal: AbortSignal): Promise<void> {
  let shown = -1;
  const load = async () => {
    try {
      const tree = await get<TraceTree>(`/traces/${encodeURIComponent(traceId)}`);
      if (tree.spanCount === shown) return;
      shown = tree.spanCount;
      const selected = location.hash.slice(1) || undefined;
      root.replaceChildren(h('h1', {}, `Trace ${tree.traceId}`), waterfall(tree, selected));
    } catch (error) {
      if (shown < 0)
        root.replaceChildren(
          h('h1', {}, `Trace ${traceId}`),
          h(
            'p',
            { class: 'error' },
            error instanceof ApiError && error.status === 404 ? `${(error as Error).message} — retrying` : (error as Error).message,
          ),
        );
    }
  };
  await load();
  const timer = setInterval(() => void load(), 2000);
  signal.addEventListener('abort', () => clearInterval(timer));
}
