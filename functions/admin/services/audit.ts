import { errorFields, log } from '../../../shared/log';
import type { Services } from '../../../shared/services';

export type AuditedOperation = 'purge' | 'requeue' | 'pause' | 'resume' | 'limits' | 'schedule' | 'unschedule';

/** Who asked for a destructive operation, as API Gateway's IAM authorisation established it. */
export interface Actor {
  readonly principal: string;
  /** API Gateway's request id, to find the request in access logs. */
  readonly requestId?: string;
}

/** One audit record: who did what to what, why, to how many jobs, in which trace, when, and how it ended. */
export interface AuditRecord {
  /** The stream entry id (read back only). */
  readonly id?: string;
  /** ISO 8601. */
  readonly time: string;
  readonly principal: string;
  readonly requestId?: string;
  readonly operation: AuditedOperation;
  /** `queue:<name>`, `dlq`, `all` (purges, pause, resume, limits); `dlq:ids`, `dlq:all` (requeues); `scheduler:<name>`. */
  readonly target: string;
  /** What a control or scheduler was set to, as JSON (limits, a scheduler's definition). */
  readonly detail?: string;
  /** '' when none was given (requeue). */
  readonly reason: string;
  /** Jobs removed or requeued; null for a failed operation, which may have acted on some before failing. */
  readonly count: number | null;
  readonly outcome: 'succeeded' | 'failed';
  /** The failure's type, never its message (it may describe internals). */
  readonly error?: string;
  /** The admin request's trace. */
  readonly traceId: string | null;
}

type AuditRuntime = Pick<Services, 'redis' | 'admin' | 'config'>;

function toFields(record: AuditRecord): string[] {
  const fields: Array<[string, string | undefined]> = [
    ['time', record.time],
    ['principal', record.principal],
    ['requestId', record.requestId],
    ['operation', record.operation],
    ['target', record.target],
    ['detail', record.detail],
    ['reason', record.reason],
    ['count', record.count === null ? undefined : String(record.count)],
    ['outcome', record.outcome],
    ['error', record.error],
    ['traceId', record.traceId ?? undefined],
  ];
  return fields.flatMap(([k, v]) => (v === undefined ? [] : [k, v]));
}

function fromFields(id: string, flat: readonly string[]): AuditRecord {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) f.set(flat[i]!, flat[i + 1]!);
  return {
    id,
    time: f.get('time') ?? '',
    principal: f.get('principal') ?? 'unknown',
    ...(f.has('requestId') ? { requestId: f.get('requestId') } : {}),
    operation: f.get('operation') as AuditedOperation,
    target: f.get('target') ?? '',
    ...(f.has('detail') ? { detail: f.get('detail') } : {}),
    reason: f.get('reason') ?? '',
    count: f.has('count') ? Number(f.get('count')) : null,
    outcome: f.get('outcome') === 'failed' ? 'failed' : 'succeeded',
    ...(f.has('error') ? { error: f.get('error') } : {}),
    traceId: f.get('traceId') ?? null,
  };
}

/**
 * Writes the record to the log first (it survives Redis trouble), then to the capped stream. Never
 * throws: the operation already happened, and failing the response would invite a retry of it. Returns
 * the stream entry id, or null when only the log holds the record.
 */
export async function writeAudit(rt: AuditRuntime, record: AuditRecord): Promise<string | null> {
  log('info', 'admin audit', { audit: record });
  try {
    return await rt.redis.xadd(rt.admin.keys.audit, 'MAXLEN', '~', rt.config.audit.maxLength, '*', ...toFields(record));
  } catch (error) {
    log('error', 'admin audit: stream write failed; the log line above is the record', errorFields(error));
    return null;
  }
}

/** The newest `count` audit records, newest first. */
export async function readAudit(rt: AuditRuntime, count: number): Promise<AuditRecord[]> {
  const entries = await rt.redis.xrevrange(rt.admin.keys.audit, '+', '-', 'COUNT', count);
  return entries.map(([id, fields]) => fromFields(id, fields));
}
