import { auditPage } from './audit';
import { dlqPage } from './dlq';
import { h, link, onNavigate, REMOTE } from './dom';
import { jobPage, jobsPage } from './jobs';
import { queuesPage } from './queues';
import { tracePage, tracesPage } from './traces';

/**
 * The local console: queues, jobs, dead letters, audit and traces, on the pipeline's own APIs. Pages are
 * paths (`/`, `/console/jobs`, `/traces/{id}`…), so a trace URL opens straight on its waterfall.
 */
const main = h('main', { id: 'page' });
let current: AbortController | undefined;

const NAV: Array<[string, string]> = [
  ['/', 'Queues'],
  ['/console/jobs', 'Jobs'],
  ['/console/dlq', 'Dead letters'],
  ['/console/audit', 'Audit'],
  // A deployed stage's traces are in X-Ray: each job links there instead.
  ...(REMOTE ? [] : ([['/traces', 'Traces']] as Array<[string, string]>)),
];

function render(href: string): void {
  current?.abort();
  current = new AbortController();
  const url = new URL(href, location.origin);
  const path = url.pathname;
  for (const a of document.querySelectorAll('header nav a'))
    a.classList.toggle(
      'on',
      a.getAttribute('href') === path || (path.startsWith(a.getAttribute('href')!) && a.getAttribute('href') !== '/'),
    );
  const job = /^\/console\/jobs\/([0-9A-Za-z]+)$/.exec(path);
  const trace = /^\/traces\/([^/]+)$/.exec(path);
  const fail = (error: unknown) => main.replaceChildren(h('p', { class: 'error' }, (error as Error).message));
  if (path === '/' || path === '/console' || path === '/console/') queuesPage(main, current.signal);
  else if (job) void jobPage(main, job[1]!).catch(fail);
  else if (path === '/console/jobs') void jobsPage(main, url.searchParams).catch(fail);
  else if (path === '/console/dlq') void dlqPage(main, () => render(location.pathname)).catch(fail);
  else if (path === '/console/audit') void auditPage(main).catch(fail);
  else if (trace) void tracePage(main, decodeURIComponent(trace[1]!), current.signal).catch(fail);
  else if (path === '/traces') void tracesPage(main, url.searchParams).catch(fail);
  else main.replaceChildren(h('p', {}, `no page ${path}`));
}

document.body.replaceChildren(
  h('header', {}, h('strong', {}, 'traced-queue'), h('nav', {}, ...NAV.map(([href, text]) => link(href, text)))),
  main,
);
onNavigate(render);
window.addEventListener('popstate', () => render(location.pathname + location.search));
render(location.pathname + location.search);
