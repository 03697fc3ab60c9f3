/** DOM helpers: every text goes in as a text node (never HTML), so nothing from a job or span can run. */
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | ((event: Event) => void) | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(key.replace(/^on/, ''), value);
    else if (key === 'class') el.className = String(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children)
    if (child !== null && child !== undefined && child !== false) el.append(child instanceof Node ? child : String(child));
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';
export function svg(tag: string, attrs: Record<string, string | number>, ...children: Node[]): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
}

export function age(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

export const time = (value: number | string | undefined | null): string =>
  value === undefined || value === null ? '–' : new Date(value).toISOString().replace('T', ' ').replace('Z', '');

export function duration(ms: number): string {
  return ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : ms < 1000 ? `${ms.toFixed(ms < 10 ? 2 : 1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** A link inside the console: navigates without a reload. */
export function link(href: string, ...children: Child[]): HTMLAnchorElement {
  return h('a', { href, onclick: (e: Event) => (e.preventDefault(), navigate(href)) }, ...children);
}

let router: (path: string) => void = () => undefined;
export function onNavigate(fn: (path: string) => void): void {
  router = fn;
}
export function navigate(href: string): void {
  history.pushState(null, '', href);
  router(href);
}

/** `remote`: served by queue-admin console for a deployed stage, whose traces are in X-Ray, not here. */
export const REMOTE = document.querySelector('meta[name="tq-mode"]')?.getAttribute('content') === 'remote';

/** A job's trace: its waterfall here, or (a deployed stage) the X-Ray console page the admin API gave. */
export function traceLink(trace: { traceId: string; sampled: boolean; url?: string } | null, text = 'trace'): Node | string {
  if (!trace) return '–';
  const label = trace.sampled ? text : `${text} (not sampled)`;
  if (!REMOTE) return link(`/traces/${trace.traceId}`, label);
  return trace.url ? h('a', { href: trace.url, target: '_blank', rel: 'noopener noreferrer' }, label) : label;
}
