import { randomBytes } from 'node:crypto';

const ROOT = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;

/**
 * API Gateway's sampling decision for requests that bring none: X-Ray's default rule, a reservoir of one
 * request a second and then a fixed rate (5 % in X-Ray; LOCAL_GATEWAY_SAMPLING_RATE here, 1 by default so
 * every local request is traced).
 */
export class GatewaySampler {
  private second = -1;

  constructor(
    private readonly rate: number,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  sample(): boolean {
    const second = Math.floor(this.now() / 1000);
    if (second !== this.second) {
      this.second = second;
      return true;
    }
    return this.random() < this.rate;
  }
}

export interface GatewayTraceHeaders {
  /** The `X-Amzn-Trace-Id` request header the function's event carries (Parent: the gateway's segment). */
  readonly event: string;
  /** The function's `_X_AMZN_TRACE_ID` (Parent: the Lambda segment below the gateway's). */
  readonly lambda: string;
  /** What API Gateway answers in the `X-Amzn-Trace-Id` response header. */
  readonly response: string;
}

const segmentId = () => randomBytes(8).toString('hex');

/**
 * The trace headers API Gateway with tracing on sets: it continues the caller's X-Ray trace (`Root`, and
 * `Sampled` when the caller decided) or begins one, and adds its own segment as the parent.
 */
export function gatewayTraceHeaders(incoming: string | undefined, sampler: GatewaySampler, now = Date.now()): GatewayTraceHeaders {
  const fields = new Map<string, string>();
  for (const part of (incoming ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const given = fields.get('root')?.toLowerCase();
  const root =
    given && ROOT.test(given)
      ? given
      : `1-${Math.floor(now / 1000)
          .toString(16)
          .padStart(8, '0')}-${randomBytes(12).toString('hex')}`;
  const decided = fields.get('sampled');
  const sampled = decided === '1' || decided === '0' ? decided : sampler.sample() ? '1' : '0';
  return {
    event: `Root=${root};Parent=${segmentId()};Sampled=${sampled}`,
    lambda: `Root=${root};Parent=${segmentId()};Sampled=${sampled}`,
    response: `Root=${root}`,
  };
}
