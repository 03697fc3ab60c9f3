/** Public types of the trace-links module. */

/** Where a person opens a trace. Build it with `parseTraceViewer`; `traceUrl` re-checks hand-built ones. */
export type TraceViewer =
  | { readonly kind: 'none' }
  /** Our local pipeline: `${baseUrl}/traces/${traceId}`. */
  | { readonly kind: 'local'; readonly baseUrl: string }
  /** `${baseUrl}/trace/${traceId}`. */
  | { readonly kind: 'jaeger'; readonly baseUrl: string }
  /** `${baseUrl}/zipkin/traces/${traceId}`. */
  | { readonly kind: 'zipkin'; readonly baseUrl: string }
  /** The CloudWatch console's X-Ray traces view; the id is written in the `1-…` form. */
  | { readonly kind: 'xray'; readonly region: string }
  /** `{traceID}` and `{trace_id}` become the W3C id, `{xray_trace_id}` the `1-…` form. */
  | { readonly kind: 'custom'; readonly template: string };

export type TraceViewerKind = TraceViewer['kind'];

/** Raw viewer settings, e.g. from environment variables or CLI flags. */
export interface TraceViewerInput {
  readonly viewer?: string;
  readonly baseUrl?: string;
  readonly region?: string;
  readonly template?: string;
}

/** The platforms we write clipboard and browser commands for. */
export type ActionPlatform = 'darwin' | 'linux' | 'win32';

/** One thing a person can do with a job's trace, as in the seed's TUI. */
export interface TraceAction {
  readonly type: 'copy' | 'open' | 'view';
  readonly label: string;
  readonly description: string;
  /** A shell command: POSIX `sh` on darwin/linux, PowerShell on win32. */
  readonly command?: string;
  readonly url?: string;
}
