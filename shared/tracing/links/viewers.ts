/** Trace viewer configuration and the URL of one trace in it. */
import { TraceViewerConfigError } from './errors';
import { normalizeTraceId, toXRayTraceId } from './ids';
import { isShellSafeUrl } from './shell';
import type { TraceViewer, TraceViewerInput, TraceViewerKind } from './types';

const KINDS: readonly TraceViewerKind[] = ['none', 'local', 'jaeger', 'zipkin', 'xray', 'custom'];
const MAX_URL_LENGTH = 2048;
// Standard, GovCloud (us-gov-west-1) and China (cn-north-1) partitions; others have private consoles.
const AWS_REGION = /^[a-z]{2}(?:-gov)?-[a-z]{4,9}-[1-9][0-9]?$/;
const PLACEHOLDER = /\{(traceID|trace_id|xray_trace_id)\}/g;
// Renders templates at parse time so a bad one fails at start-up, not when a person clicks.
const SAMPLE_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

const URL_CHARS = 'made of URL characters other than quotes, $, backticks, backslashes and spaces';
const ACCEPTED = {
  viewer: `one of ${KINDS.join(', ')}`,
  baseUrl: `an absolute http(s) URL without credentials, query or fragment, ${URL_CHARS}, e.g. http://localhost:16686`,
  region: 'an AWS region such as eu-west-1, us-gov-west-1 or cn-north-1',
  template: `an absolute http(s) URL with {traceID}, {trace_id} or {xray_trace_id}, without credentials, ${URL_CHARS}`,
} as const;

/** Viewers made by parseTraceViewer: valid and frozen, so traceUrl need not check them again. */
const validated = new WeakSet<TraceViewer>();

/** Validates viewer settings once, at configuration time; a missing `viewer` means none. */
export function parseTraceViewer(input: TraceViewerInput = {}): TraceViewer {
  const viewer = parseViewer(input);
  validated.add(viewer);
  return viewer;
}

function parseViewer(input: TraceViewerInput): TraceViewer {
  const kind = parseKind(input.viewer);
  switch (kind) {
    case 'none':
      return Object.freeze({ kind });
    case 'local':
    case 'jaeger':
    case 'zipkin':
      return Object.freeze({ kind, baseUrl: parseBaseUrl(input.baseUrl) });
    case 'xray':
      return Object.freeze({ kind, region: parseRegion(input.region) });
    case 'custom':
      return Object.freeze({ kind, template: parseTemplate(input.template) });
  }
}

/**
 * The trace's URL in the viewer, or undefined for `none`. The id may be in either form. A viewer built
 * by hand rather than by `parseTraceViewer` is checked the same way, so nothing unvalidated gets through.
 */
export function traceUrl(viewer: TraceViewer, traceId: string): string | undefined {
  const id = normalizeTraceId(traceId);
  const checked = recheck(viewer);
  const url = buildUrl(checked, id);
  // Parts are valid, yet a template can still go wrong for some ids (e.g. an all-digit host).
  if (url !== undefined && !parseHttpUrl(url)) {
    throw new TraceViewerConfigError(fieldOf(checked), ACCEPTED.template, url);
  }
  return url;
}

function buildUrl(viewer: TraceViewer, id: string): string | undefined {
  switch (viewer.kind) {
    case 'none':
      return undefined;
    case 'local':
      return `${viewer.baseUrl}/traces/${id}`;
    case 'jaeger':
      return `${viewer.baseUrl}/trace/${id}`;
    case 'zipkin':
      return `${viewer.baseUrl}/zipkin/traces/${id}`;
    case 'xray':
      return xrayConsoleUrl(viewer.region, toXRayTraceId(id));
    case 'custom':
      return renderTemplate(viewer.template, id);
  }
}

function xrayConsoleUrl(region: string, xrayId: string): string {
  return `https://${region}.${consoleDomain(region)}/cloudwatch/home?region=${region}#xray:traces/${xrayId}`;
}

function consoleDomain(region: string): string {
  if (region.startsWith('cn-')) return 'console.amazonaws.cn';
  if (region.startsWith('us-gov-')) return 'console.amazonaws-us-gov.com';
  return 'console.aws.amazon.com';
}

function renderTemplate(template: string, id: string): string {
  return template.replace(PLACEHOLDER, (_, name: string) => (name === 'xray_trace_id' ? toXRayTraceId(id) : id));
}

function parseKind(value: unknown): TraceViewerKind {
  if (value === undefined || value === '') return 'none';
  const kind = typeof value === 'string' ? value.trim().toLowerCase() : value;
  const known = KINDS.find((k) => k === kind);
  if (known === undefined) throw new TraceViewerConfigError('viewer', ACCEPTED.viewer, value);
  return known;
}

function parseBaseUrl(value: unknown): string {
  // Trailing slashes go so that `${baseUrl}/trace/…` never doubles them.
  const base = typeof value === 'string' ? value.replace(/\/+$/, '') : '';
  const url = parseHttpUrl(base);
  // A query or fragment would swallow the path appended after it.
  if (!url || /[?#]/.test(base)) {
    throw new TraceViewerConfigError('baseUrl', ACCEPTED.baseUrl, value);
  }
  return base;
}

function parseRegion(value: unknown): string {
  if (typeof value === 'string' && AWS_REGION.test(value)) return value;
  throw new TraceViewerConfigError('region', ACCEPTED.region, value);
}

function parseTemplate(value: unknown): string {
  const template = typeof value === 'string' ? value : '';
  if (template.search(PLACEHOLDER) !== -1 && parseHttpUrl(renderTemplate(template, SAMPLE_TRACE_ID))) return template;
  throw new TraceViewerConfigError('template', ACCEPTED.template, value);
}

/** The URL if it is an absolute http(s) URL without credentials that can be quoted safely. */
function parseHttpUrl(s: string): URL | undefined {
  // The scheme is checked on the raw text: the URL parser forgives `https:host` and stray whitespace.
  if (s.length > MAX_URL_LENGTH || !/^https?:\/\//i.test(s) || !isShellSafeUrl(s)) return undefined;
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return undefined;
  }
  const ok = url.hostname !== '' && url.username === '' && url.password === '';
  return ok ? url : undefined;
}

function recheck(viewer: TraceViewer): TraceViewer {
  if (validated.has(viewer)) return viewer;
  const v: Partial<Record<'kind' | 'baseUrl' | 'region' | 'template', unknown>> = viewer ?? {};
  if (typeof v.kind !== 'string' || v.kind === '') throw new TraceViewerConfigError('viewer', ACCEPTED.viewer, v.kind);
  return parseTraceViewer({ viewer: v.kind, ...pickStrings(v) });
}

function pickStrings(v: Partial<Record<'baseUrl' | 'region' | 'template', unknown>>): TraceViewerInput {
  // Non-strings become undefined and then fail validation as missing.
  const str = (x: unknown) => (typeof x === 'string' ? x : undefined);
  return { baseUrl: str(v.baseUrl), region: str(v.region), template: str(v.template) };
}

function fieldOf(viewer: TraceViewer): string {
  return viewer.kind === 'custom' ? 'template' : viewer.kind === 'xray' ? 'region' : 'baseUrl';
}
