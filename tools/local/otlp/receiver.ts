import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { firstHeader, readBody, sendJson } from '../http';
import type { TraceStore } from '../traces/store';
import { decodeTraces, OtlpDecodeError } from './traces';

/** Like the collector's default OTLP/HTTP receiver limit (20 MiB), rounded down. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface OtlpCounters {
  traceRequests: number;
  metricRequests: number;
  rejected: number;
}

/**
 * The collector layer's stand-in: OTLP/HTTP with protobuf bodies (what our exporters send), gzip or not.
 * Traces go into the store; metrics are acknowledged and counted only — there is no local metrics viewer.
 * Answers are the empty Export*ServiceResponse (zero bytes), as the collector's.
 */
export function otlpReceiver(store: TraceStore) {
  const counters: OtlpCounters = { traceRequests: 0, metricRequests: 0, rejected: 0 };

  async function handle(req: IncomingMessage, res: ServerResponse, signal: 'traces' | 'metrics'): Promise<void> {
    if (req.method !== 'POST')
      return sendJson(res, 405, { error: 'method_not_allowed', message: `/v1/${signal} accepts POST only` }, { Allow: 'POST' });
    const type = (firstHeader(req, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/x-protobuf') {
      counters.rejected++;
      return sendJson(res, 415, {
        error: 'unsupported_media_type',
        message: 'this receiver takes OTLP/HTTP with protobuf bodies (application/x-protobuf)',
      });
    }
    const { body, tooLarge } = await readBody(req, MAX_BODY_BYTES);
    if (tooLarge) {
      counters.rejected++;
      return sendJson(res, 413, { error: 'too_large', message: `export requests are limited to ${MAX_BODY_BYTES} bytes` });
    }
    try {
      const bytes = firstHeader(req, 'content-encoding') === 'gzip' ? gunzipSync(body, { maxOutputLength: MAX_BODY_BYTES }) : body;
      if (signal === 'traces') {
        store.add(decodeTraces(bytes));
        counters.traceRequests++;
      } else {
        counters.metricRequests++;
      }
    } catch (error) {
      counters.rejected++;
      const message = error instanceof OtlpDecodeError ? error.message : `cannot read the body: ${(error as Error).message}`;
      return sendJson(res, 400, { error: 'bad_request', message });
    }
    res.writeHead(200, { 'Content-Type': 'application/x-protobuf', 'Content-Length': '0' }).end();
  }

  return { handle, counters };
}
