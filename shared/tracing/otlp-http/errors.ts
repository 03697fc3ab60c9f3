/**
 * Why one OTLP export (spans or metrics) failed. `kind` groups failures that are the same problem (a dead collector
 * refuses every flush the same way), so each kind is logged once, not once per flush.
 */
export class OtlpExportError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** No complete answer within the deadline (connection included). */
export class ExportTimeoutError extends OtlpExportError {
  constructor(readonly timeoutMs: number) {
    super('timeout', `no answer within ${timeoutMs} ms`);
  }
}

/** The collector answered, but not with 2xx. */
export class ExportHttpStatusError extends OtlpExportError {
  constructor(readonly status: number) {
    super(`http ${status}`, `collector answered HTTP ${status}`);
  }
}

/** The request never got an answer: refused, reset, unknown host, a header Node will not send… */
export class ExportRequestError extends OtlpExportError {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`request ${code}`, message);
  }

  static from(err: unknown): OtlpExportError {
    if (err instanceof OtlpExportError) return err;
    const code = (err as { code?: unknown } | null)?.code;
    return new ExportRequestError(typeof code === 'string' ? code : 'unknown', err instanceof Error ? err.message : String(err));
  }
}
