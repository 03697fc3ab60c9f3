/** Errors raised on purpose by the trace-links module; each carries a stable `code`. */
export class TraceLinkError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Not a W3C or X-Ray trace id. `input` is a safe preview, never the raw value. */
export class InvalidTraceIdError extends TraceLinkError {
  readonly input: string;

  constructor(input: unknown) {
    const preview = safePreview(input);
    super('INVALID_TRACE_ID', `not a trace id: ${preview} (expected 32 lowercase hex, not all zeros, or 1-<8 hex>-<24 hex>)`);
    this.input = preview;
  }
}

/** A viewer setting is unusable. `field` names it; `accepted` says what would be. */
export class TraceViewerConfigError extends TraceLinkError {
  constructor(
    readonly field: string,
    readonly accepted: string,
    value: unknown,
  ) {
    super('INVALID_TRACE_VIEWER', `${field}: ${safePreview(value)} is not accepted; expected ${accepted}`);
  }
}

const PREVIEW_LIMIT = 40;

/**
 * Quotes a value for an error message: at most 40 characters, anything outside printable ASCII escaped,
 * so hostile input can neither forge log lines nor smuggle terminal escapes.
 */
export function safePreview(value: unknown): string {
  if (typeof value !== 'string') return `<${value === null ? 'null' : typeof value}>`;
  const cut = value.length > PREVIEW_LIMIT;
  const escaped = value.slice(0, PREVIEW_LIMIT).replace(/[^\x20-\x7e]|["\\]/g, escapeChar);
  return `"${escaped}"${cut ? `… (${value.length} chars)` : ''}`;
}

function escapeChar(c: string): string {
  if (c === '"' || c === '\\') return `\\${c}`;
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
