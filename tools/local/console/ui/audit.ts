import type { AuditRecord } from '../../../../functions/admin/services/audit';
import { get } from './api';
import { h, link, time } from './dom';

/** Who did what, to what, why, how many, in which trace, when. */
export async function auditPage(root: HTMLElement): Promise<void> {
  try {
    const { entries } = await get<{ entries: AuditRecord[] }>('/admin/audit?count=200');
    root.replaceChildren(
      h('h1', {}, 'Audit'),
      entries.length === 0
        ? h('p', {}, 'nothing done yet')
        : h(
            'table',
            { id: 'audit' },
            h(
              'thead',
              {},
              h('tr', {}, ...['time', 'who', 'operation', 'target', 'reason', 'count', 'outcome', 'trace'].map((t) => h('th', {}, t))),
            ),
            h(
              'tbody',
              {},
              ...entries.map((e) =>
                h(
                  'tr',
                  {},
                  h('td', {}, time(e.time)),
                  h('td', {}, e.principal),
                  h('td', {}, e.operation),
                  h('td', {}, e.target),
                  h('td', {}, e.reason),
                  h('td', { class: 'n' }, e.count ?? '–'),
                  h('td', { class: e.outcome === 'failed' ? 'error' : '' }, e.outcome + (e.error ? ` (${e.error})` : '')),
                  h('td', {}, e.traceId ? link(`/traces/${e.traceId}`, 'trace') : '–'),
                ),
              ),
            ),
          ),
    );
  } catch (error) {
    root.replaceChildren(h('h1', {}, 'Audit'), h('p', { class: 'error' }, (error as Error).message));
  }
}
