import type { PresentedInfo } from '../../../../functions/admin/services/present';
import { get, post } from './api';
import { h, link, time, traceLink } from './dom';

/** Asks why (the admin API's rule: 3 to 500 characters) and, for a purge, the confirmation word. */
function confirmDialog(title: string, confirmation: string | null): Promise<{ reason: string } | null> {
  return new Promise((resolve) => {
    const reason = h('input', {
      name: 'reason',
      required: true,
      minlength: 3,
      maxlength: 500,
      placeholder: 'why (kept in the audit trail)',
    });
    const word = confirmation ? h('input', { name: 'confirmation', required: true, placeholder: `type ${confirmation}` }) : null;
    const error = h('p', { class: 'error' });
    const dialog = h(
      'dialog',
      { class: 'confirm' },
      h(
        'form',
        {
          method: 'dialog',
          onsubmit: (e: Event) => {
            e.preventDefault();
            if (reason.value.trim().length < 3) return void (error.textContent = 'say why, in at least 3 characters');
            if (word && word.value !== confirmation) return void (error.textContent = `type ${confirmation} to confirm`);
            dialog.close();
            dialog.remove();
            resolve({ reason: reason.value.trim() });
          },
        },
        h('h2', {}, title),
        reason,
        word,
        error,
        h(
          'p',
          {},
          h('button', { type: 'submit', class: 'danger' }, 'confirm'),
          ' ',
          h('button', { type: 'button', onclick: () => (dialog.close(), dialog.remove(), resolve(null)) }, 'cancel'),
        ),
      ),
    );
    document.body.append(dialog);
    dialog.showModal();
    reason.focus();
  });
}

/** What the last action did, shown above the refreshed list. */
let notice = '';

/** Dead letters: reasons and failures; requeue one, the selected or all; purge — each audited. */
export async function dlqPage(root: HTMLElement, rerender: () => void): Promise<void> {
  root.replaceChildren(h('h1', {}, 'Dead letters'), h('p', {}, 'loading…'));
  const status = h('p', { class: 'status', role: 'status' }, notice);
  notice = '';
  const act = async (title: string, path: string, body: Record<string, unknown>, confirmation: string | null = null) => {
    const answer = await confirmDialog(title, confirmation);
    if (!answer) return;
    try {
      const r = await post<{ requeued?: number; removed?: number; auditId?: string }>(path, {
        ...body,
        ...(confirmation ? { confirmation } : {}),
        reason: answer.reason,
      });
      notice = r.requeued !== undefined ? `requeued ${r.requeued}` : `purged ${r.removed ?? 0}`;
      rerender();
    } catch (error) {
      status.textContent = (error as Error).message;
      status.className = 'status error';
    }
  };
  try {
    const { jobs } = await get<{ jobs: PresentedInfo[] }>('/admin/dlq?count=100');
    const boxes = jobs.map((info) => h('input', { type: 'checkbox', value: info.job.id, 'aria-label': `select ${info.job.id}` }));
    const rows = jobs.map((info, i) =>
      h(
        'tr',
        { 'data-job': info.job.id },
        h('td', {}, boxes[i]),
        h('td', {}, link(`/console/jobs/${info.job.id}`, info.job.id)),
        h('td', {}, info.job.type),
        h('td', {}, info.deadReason ?? ''),
        h('td', {}, info.failures.map((f) => `#${f.attempt} ${f.kind}: ${f.error}`).join('\n')),
        h('td', {}, time(info.since)),
        h('td', {}, traceLink(info.job.trace)),
        h(
          'td',
          {},
          h(
            'button',
            { class: 'requeue', onclick: () => void act(`Requeue ${info.job.id}`, '/admin/dlq/requeue', { ids: [info.job.id] }) },
            'requeue',
          ),
        ),
      ),
    );
    const selected = () => boxes.filter((b) => b.checked).map((b) => b.value);
    root.replaceChildren(
      h('h1', {}, 'Dead letters'),
      h(
        'p',
        { class: 'actions' },
        h(
          'button',
          { onclick: () => selected().length && void act(`Requeue ${selected().length} jobs`, '/admin/dlq/requeue', { ids: selected() }) },
          'requeue selected',
        ),
        ' ',
        h(
          'button',
          {
            id: 'requeue-all',
            onclick: () => void act('Requeue every dead letter', '/admin/dlq/requeue', { all: true }),
            disabled: jobs.length === 0,
          },
          'requeue all',
        ),
        ' ',
        h(
          'button',
          {
            class: 'danger',
            onclick: () => void act('Purge the dead-letter queue', '/admin/dlq/purge', {}, 'CONFIRM_DELETE'),
            disabled: jobs.length === 0,
          },
          'purge',
        ),
      ),
      status,
      jobs.length === 0
        ? h('p', {}, 'no dead letters')
        : h(
            'table',
            { id: 'dead-letters' },
            h('thead', {}, h('tr', {}, ...['', 'id', 'type', 'reason', 'failures', 'dead since', '', ''].map((t) => h('th', {}, t)))),
            h('tbody', {}, ...rows),
          ),
    );
  } catch (error) {
    root.replaceChildren(h('h1', {}, 'Dead letters'), h('p', { class: 'error' }, (error as Error).message));
  }
}
