import { ConfigError } from './errors';

/** Parsers for single configuration values; each names the key in its error. */

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off'];

/** Shows a bad value without echoing a long (possibly secret) string back into logs. */
export function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text);
}

/** A host on this machine: the only place plaintext connections are allowed by default. */
export function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

export function parseBool(key: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  const v = String(value).trim().toLowerCase();
  if (TRUE.includes(v)) return true;
  if (FALSE.includes(v)) return false;
  throw new ConfigError(key, `${shown(value)} is not a boolean; accepted: ${[...TRUE, ...FALSE].join(', ')}`);
}

export function parseNumber(key: string, value: unknown, min: number, max: number, integer = false): number {
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (String(value).trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new ConfigError(key, `${shown(value)} is not ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
  }
  return n;
}

export function parseEnum<T extends string>(key: string, value: unknown, accepted: readonly T[]): T {
  const v = String(value).trim().toLowerCase() as T;
  if (!accepted.includes(v)) throw new ConfigError(key, `${shown(value)} is not one of ${accepted.join(', ')}`);
  return v;
}

/** A duration: a number of milliseconds, or a string such as `500ms`, `5s`, `1m` (the seed writes `5s`). */
export function parseDurationMs(key: string, value: unknown, min: number, max: number): number {
  if (typeof value === 'number') return parseNumber(key, value, min, max, true);
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(String(value));
  if (!match) throw new ConfigError(key, `${shown(value)} is not a duration such as 500ms, 5s or 1m`);
  const factor = { ms: 1, s: 1000, m: 60_000 }[(match[2] ?? 'ms') as 'ms' | 's' | 'm'];
  return parseNumber(key, Math.round(Number(match[1]) * factor), min, max, true);
}

/** A comma-separated list (env) or a YAML list; empty entries dropped. */
export function parseList(key: string, value: unknown): string[] {
  if (Array.isArray(value)) return value.map((v) => String(v).trim()).filter(Boolean);
  if (typeof value !== 'string') throw new ConfigError(key, 'must be a list or a comma-separated string');
  return value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

/** Replaces `${VAR}` with the variable's value; a missing variable is an error naming it. */
export function expandVariables(key: string, value: string, env: Readonly<Record<string, string | undefined>>): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
    const v = env[name];
    if (v === undefined) throw new ConfigError(key, `refers to \${${name}}, which is not set`);
    return v;
  });
}

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

function header(key: string, name: string, value: string): [string, string] {
  const n = name.trim();
  if (!HEADER_NAME.test(n)) throw new ConfigError(key, `${shown(n)} is not a valid header name`);
  if (/[\r\n]/.test(value)) throw new ConfigError(key, `the value of header ${n} contains a line break`);
  return [n.toLowerCase(), value.trim()];
}

/**
 * Export headers: `key=value,key=value` (env; values may use `${VAR}`) or a YAML map. Values can hold
 * secrets: errors name the header, never its value.
 */
export function parseHeaders(key: string, value: unknown, env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [n, v] of Object.entries(value)) {
      const [name, val] = header(key, n, expandVariables(`${key}.${n}`, String(v), env));
      out[name] = val;
    }
    return out;
  }
  if (typeof value !== 'string') throw new ConfigError(key, 'must be key=value pairs separated by commas');
  for (const pair of value.split(',').filter((p) => p.trim())) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new ConfigError(key, `${shown(pair.split('=')[0])} has no "=value"`);
    const [name, val] = header(key, pair.slice(0, eq), expandVariables(key, pair.slice(eq + 1), env));
    out[name] = val;
  }
  return out;
}

/** OTEL_EXPORTER_OTLP_HEADERS: like ours, but values are percent-encoded (W3C baggage style). */
export function parseOtelHeaders(key: string, value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of value.split(',').filter((p) => p.trim())) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new ConfigError(key, `${shown(pair.split('=')[0])} has no "=value"`);
    let decoded: string;
    try {
      decoded = decodeURIComponent(pair.slice(eq + 1));
    } catch {
      throw new ConfigError(key, `the value of ${shown(pair.slice(0, eq).trim())} is not valid percent-encoding`);
    }
    const [name, val] = header(key, pair.slice(0, eq), decoded);
    out[name] = val;
  }
  return out;
}

/** Freezes a parsed configuration all the way down: nothing may change it after start-up. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
