import type { IncomingMessage, ServerResponse } from 'node:http';
import { normalizeTraceId } from '../../../shared/tracing/links';
import { sendJson } from '../http';
import type { TraceStore } from './store';
import { backlinks, summarize, toTree } from './tree';

const MAX_LIST = 1000;

/**
 * GET /traces: the most recently updated traces that carry a job or an error, summarised (`?limit=`, default
 * 50; `?all=true` for every trace, idle poller runs included).
 * GET /traces/{traceId}: one trace as a tree of spans; the id in W3C (32 hex) or X-Ray (`1-…-…`) form.
 */
export function traceRoutes(store: TraceStore, receiving: () => string) {
  return (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendJson(res, 405, { error: 'method_not_allowed', message: 'traces are read with GET' }, { Allow: 'GET' });
    const rest = url.pathname.replace(/^\/traces\/?/, '');
    if (rest === '') {
      const raw = url.searchParams.get('limit') ?? '50';
      const limit = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
      if (!(limit >= 1 && limit <= MAX_LIST))
        return sendJson(res, 400, { error: 'invalid_request', field: 'limit', message: `limit: must be an integer from 1 to ${MAX_LIST}` });
      const all = url.searchParams.get('all') === 'true';
      // Idle poller runs and sweeps are traces too, one a few seconds; by default only those a person looks for.
      const traces = store
        .recent(all ? limit : store.stats().traces)
        .map(summarize)
        .filter((t) => all || t.jobIds.length > 0 || t.errorCount > 0)
        .slice(0, limit);
      return sendJson(res, 200, { traces, stats: store.stats(), receiving: receiving() });
    }
    let traceId: string;
    try {
      traceId = normalizeTraceId(decodeURIComponent(rest));
    } catch {
      return sendJson(res, 400, {
        error: 'invalid_request',
        field: 'traceId',
        message: 'traceId: must be 32 hex characters, or an X-Ray trace id (1-xxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx)',
      });
    }
    const trace = store.get(traceId);
    if (!trace) {
      return sendJson(res, 404, {
        error: 'not_found',
        message: `no trace ${traceId} here: it was not sampled, not exported yet (spans leave at the end of each invocation), evicted, or sent elsewhere (${receiving()})`,
      });
    }
    return sendJson(res, 200, toTree(trace, backlinks(trace.traceId, store.all())));
  };
}
