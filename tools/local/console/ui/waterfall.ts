import type { SpanNode, TraceTree } from '../../traces/tree';
import { duration, h, link, time } from './dom';

const COLOURS = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#9c755f', '#ff9da7'];

interface Row {
  readonly span: SpanNode;
  readonly depth: number;
}

function flatten(nodes: readonly SpanNode[], depth = 0, out: Row[] = []): Row[] {
  for (const span of nodes) {
    out.push({ span, depth });
    flatten(span.children, depth + 1, out);
  }
  return out;
}

const ms = (iso: string) => Date.parse(iso);

function details(span: SpanNode, traceId: string, select: (spanId: string) => void): HTMLElement {
  const exception = span.events.find((e) => e.name === 'exception');
  return h(
    'aside',
    { class: 'span-details', 'data-span': span.spanId },
    h('h2', {}, span.name),
    h(
      'p',
      {},
      `${span.service} · ${span.kind} · ${duration(span.durationMs)} · started ${time(span.start)}`,
      span.status.code === 'ERROR' ? h('span', { class: 'error' }, ` · error: ${span.status.message ?? ''}`) : '',
    ),
    span.missingParent ? h('p', { class: 'note' }, `parent ${span.parentSpanId} is outside this trace (the caller's span)`) : '',
    ...(exception
      ? [h('h3', {}, 'Exception'), h('pre', {}, ...Object.entries(exception.attributes).map(([k, v]) => `${k}: ${String(v)}\n`))]
      : []),
    h('h3', {}, 'Attributes'),
    h(
      'table',
      { class: 'attrs' },
      ...Object.entries(span.attributes).map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, JSON.stringify(v)))),
    ),
    h('h3', {}, `Events (${span.events.length})`),
    h(
      'ul',
      {},
      ...span.events.map((e) =>
        h('li', {}, `+${duration(e.offsetMs)} ${e.name}`, Object.keys(e.attributes).length ? ` ${JSON.stringify(e.attributes)}` : ''),
      ),
    ),
    ...(span.linkedFrom?.length
      ? [
          h('h3', {}, `Linked from (${span.linkedFrom.length})`),
          h(
            'ul',
            { class: 'linked-from' },
            ...span.linkedFrom.map((l) => h('li', {}, link(`/traces/${l.traceId}#${l.spanId}`, `${l.name} (trace ${l.traceId})`))),
          ),
        ]
      : []),
    h('h3', {}, `Links (${span.links.length})`),
    h(
      'ul',
      { class: 'links' },
      ...span.links.map((l) =>
        h(
          'li',
          {},
          l.traceId === traceId
            ? h(
                'a',
                { href: `#${l.spanId}`, onclick: (e: Event) => (e.preventDefault(), select(l.spanId)) },
                `span ${l.spanId} in this trace`,
              )
            : link(`/traces/${l.traceId}#${l.spanId}`, `trace ${l.traceId}, span ${l.spanId}`),
          Object.keys(l.attributes ?? {}).length ? ` ${JSON.stringify(l.attributes)}` : '',
        ),
      ),
    ),
  );
}

/**
 * One trace as a waterfall: a row per span (under its parent), its bar on the trace's time axis, a colour
 * per service, errors marked, events as markers on their bar; gaps (a retry's backoff) stay gaps. A click
 * shows the span's attributes, events, exception and links (a link to another trace opens it).
 */
export function waterfall(tree: TraceTree, selected?: string): HTMLElement {
  const rows = flatten(tree.spans);
  const t0 = ms(tree.start);
  const total = Math.max(tree.durationMs, 1);
  const pct = (t: number) => `${Math.min(100, Math.max(0, ((t - t0) / total) * 100))}%`;
  const colour = new Map(tree.services.map((s, i) => [s, COLOURS[i % COLOURS.length]!]));
  const panel = h('div', { class: 'panel' });
  const rowEls = new Map<string, HTMLElement>();
  const select = (spanId: string) => {
    const row = rows.find((r) => r.span.spanId === spanId);
    if (!row) return;
    for (const [id, el] of rowEls) el.classList.toggle('selected', id === spanId);
    panel.replaceChildren(details(row.span, tree.traceId, select));
    rowEls.get(spanId)?.scrollIntoView({ block: 'nearest' });
    history.replaceState(null, '', `${location.pathname}#${spanId}`);
  };
  const axis = h(
    'div',
    { class: 'axis' },
    ...[0, 0.25, 0.5, 0.75, 1].map((f) => {
      const tick = h('span', {}, duration(total * f));
      tick.style.left = `${f * 100}%`;
      return tick;
    }),
  );
  const list = h('div', { class: 'rows' });
  for (const { span, depth } of rows) {
    const bar = h('div', {
      class: `bar${span.status.code === 'ERROR' ? ' err' : ''}`,
      title: `${span.name}: ${duration(span.durationMs)}`,
    });
    bar.style.left = pct(ms(span.start));
    bar.style.width = `max(2px, ${(span.durationMs / total) * 100}%)`;
    bar.style.background = colour.get(span.service) ?? '#888';
    const track = h('div', { class: 'track' }, bar);
    for (const e of span.events) {
      const mark = h('i', { class: `mark${/dead|fail|retry/.test(e.name) ? ' warn' : ''}`, title: `${e.name} +${duration(e.offsetMs)}` });
      mark.style.left = pct(ms(span.start) + e.offsetMs);
      track.append(mark);
    }
    const label = h(
      'div',
      { class: 'label' },
      h('span', { class: 'dot' }),
      span.status.code === 'ERROR' ? h('b', { class: 'error', title: 'error' }, '✕ ') : '',
      span.name,
      span.missingParent ? h('small', { class: 'note' }, ' (parent outside this trace)') : '',
      h('small', {}, ` ${duration(span.durationMs)}`),
    );
    (label.firstChild as HTMLElement).style.background = colour.get(span.service) ?? '#888';
    label.style.paddingLeft = `${depth * 14 + 4}px`;
    const row = h(
      'div',
      {
        class: 'row',
        'data-span': span.spanId,
        'data-name': span.name,
        'data-start': ms(span.start) - t0,
        'data-error': String(span.status.code === 'ERROR'),
        onclick: () => select(span.spanId),
      },
      label,
      track,
    );
    rowEls.set(span.spanId, row);
    list.append(row);
  }
  const legend = h(
    'p',
    { class: 'legend' },
    ...tree.services.map((s) => {
      const dot = h('span', { class: 'dot' });
      dot.style.background = colour.get(s)!;
      return h('span', {}, dot, ` ${s} `);
    }),
  );
  const view = h(
    'section',
    { class: 'waterfall' },
    h(
      'p',
      {},
      `${tree.spanCount} spans · ${tree.errorCount} errors · ${duration(tree.durationMs)} · started ${time(tree.start)} · X-Ray id ${tree.xrayTraceId}`,
      ...tree.jobIds.map((id) => [' · job ', link(`/console/jobs/${id}`, id)]).flat(),
    ),
    legend,
    h('div', { class: 'grid' }, h('div', { class: 'label head' }, 'span'), axis),
    list,
    panel,
  );
  if (selected) queueMicrotask(() => select(selected));
  return view;
}
