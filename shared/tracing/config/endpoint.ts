import { ConfigError } from '../../config/errors';
import { isLoopback, shown } from '../../config/values';

export interface ExportEndpoints {
  /** OTLP/HTTP traces URL. */
  readonly traces: string;
  /** OTLP/HTTP metrics URL on the same collector. */
  readonly metrics: string;
  readonly tls: boolean;
}

/** Ports that imply TLS: plaintext to them is a mistake, and `insecure` with them a contradiction. */
export const TLS_PORTS: readonly number[] = [443, 8443];
/** The OTLP/gRPC port: this exporter speaks OTLP/HTTP (4318). */
const GRPC_PORT = 4317;

/**
 * Applies the TLS rules to an endpoint and derives the traces and metrics URLs (see the table in docs/tracing.md):
 * a scheme is required; `https://` or a TLS port with `insecure` on is refused; plaintext is allowed to
 * loopback (the collector layer inside the Lambda sandbox) and elsewhere only with `insecure` on; 4317
 * (OTLP/gRPC) is refused. A URL without a path gets `/v1/traces`.
 */
export function resolveEndpoints(key: string, raw: string, insecure: boolean): ExportEndpoints {
  const value = raw.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    const port = /:(\d+)(\/|$)/.exec(value)?.[1];
    throw new ConfigError(
      key,
      `${shown(value)} has no scheme. Write the OTLP/HTTP URL, e.g. https://collector.example.com:4318/v1/traces ` +
        `(or http://localhost:4318/v1/traces for the Lambda collector layer)` +
        (port === String(GRPC_PORT) ? `; 4317 is the OTLP/gRPC port, and this exporter speaks OTLP/HTTP (4318)` : ''),
    );
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(key, `${shown(value)} is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(key, `scheme ${url.protocol}// is not supported; use https:// (or http:// to loopback)`);
  }
  if (url.username || url.password) throw new ConfigError(key, 'must not carry credentials; use headers');
  const tls = url.protocol === 'https:';
  const port = Number(url.port || (tls ? 443 : 80));
  if (port === GRPC_PORT) {
    throw new ConfigError(key, `port 4317 is OTLP/gRPC; this exporter speaks OTLP/HTTP, usually on 4318`);
  }
  if (tls && insecure) {
    throw new ConfigError(key, `${url.origin} implies TLS but insecure is on; turn insecure off (it only permits plaintext)`);
  }
  if (!tls && TLS_PORTS.includes(port)) {
    throw new ConfigError(key, `port ${port} implies TLS but the scheme is http://; use https://`);
  }
  if (!tls && !insecure && !isLoopback(url.hostname)) {
    throw new ConfigError(
      key,
      `plaintext to ${url.hostname} would leave the machine unencrypted; use https://, or set insecure to true to allow it`,
    );
  }
  const base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  const traces = url.pathname === '/' || url.pathname === '' ? `${url.origin}/v1/traces` : base;
  const metrics = traces.endsWith('/v1/traces') ? `${traces.slice(0, -'/v1/traces'.length)}/v1/metrics` : `${url.origin}/v1/metrics`;
  return { traces, metrics, tls };
}
