import { homedir } from 'node:os';
import { join } from 'node:path';
import { declareFileSection } from '../../shared/config/file';
import { settingReader, type SettingKeys } from '../../shared/config/source';
import { parseNumber } from '../../shared/config/values';

type Env = Readonly<Record<string, string | undefined>>;

// The local pipeline's settings may sit in the functions' CONFIG_FILE, under `local`.
declareFileSection('local');

/** The local pipeline's own settings (`npm start`): environment variable → YAML path in CONFIG_FILE. */
export const LOCAL_SETTINGS = {
  PORT: 'local.port',
  LOCAL_POLLER_EVERY_MS: 'local.poller_every_ms',
  LOCAL_DLQ_SWEEP_EVERY_MS: 'local.dlq_sweep_every_ms',
  LOCAL_GATEWAY_SAMPLING_RATE: 'local.gateway_sampling_rate',
  LOCAL_TRACES_MAX: 'local.traces_max',
  LOCAL_TRACE_SPANS_MAX: 'local.trace_spans_max',
  LOCAL_STOP_TIMEOUT_MS: 'local.stop_timeout_ms',
  LOCAL_STATE_FILE: 'local.state_file',
  LOCAL_PROCESSORS: 'local.processors',
  // A secret: environment only.
  LOCAL_ADMIN_TOKEN: null,
} as const satisfies SettingKeys;

export interface LocalConfig {
  /** Every local endpoint listens here, on 127.0.0.1 only; 0 picks a free port. */
  readonly port: number;
  /** The schedule of the worker-poller (EventBridge's minimum is a minute; locally jobs should not wait that long). */
  readonly pollerEveryMs: number;
  readonly dlqSweepEveryMs: number;
  /** Share of new traces the local API Gateway marks sampled, after X-Ray's reservoir of one a second. */
  readonly gatewaySamplingRate: number;
  /** Traces kept in memory (least recently updated dropped first) and spans kept per trace. */
  readonly tracesMax: number;
  readonly traceSpansMax: number;
  /** Longest Ctrl-C waits for running jobs before they are released to the queue. */
  readonly stopTimeoutMs: number;
  /** Where the running pipeline leaves its URL and admin token for `queue-admin` (mode 0600). */
  readonly stateFile: string;
  /** A module of the user's own processors, run by the local poller and reloaded when it changes. */
  readonly processors?: string;
  /** The admin token, when fixed by the user (else one is made per start). */
  readonly adminToken?: string;
}

export const DEFAULT_LOCAL_PORT = 3000;

function defaultStateFile(env: Env = process.env): string {
  return join(env.HOME?.trim() || homedir(), '.traced-queue', 'local.json');
}

/** Where a running pipeline leaves its state: all `queue-admin` needs of the local settings. */
export function localStateFile(env: Env = process.env): string {
  const source = settingReader(env, LOCAL_SETTINGS)('LOCAL_STATE_FILE');
  return source ? String(source.value) : defaultStateFile(env);
}

export function parseLocalConfig(env: Env = process.env): LocalConfig {
  const read = settingReader(env, LOCAL_SETTINGS);
  const num = (key: keyof typeof LOCAL_SETTINGS, fallback: number, min: number, max: number, integer = true) => {
    const source = read(key);
    return source === undefined ? fallback : parseNumber(source.key, source.value, min, max, integer);
  };
  const adminToken = read('LOCAL_ADMIN_TOKEN');
  const processors = read('LOCAL_PROCESSORS');
  return Object.freeze({
    port: num('PORT', DEFAULT_LOCAL_PORT, 0, 65_535),
    pollerEveryMs: num('LOCAL_POLLER_EVERY_MS', 1000, 100, 3_600_000),
    dlqSweepEveryMs: num('LOCAL_DLQ_SWEEP_EVERY_MS', 60_000, 1000, 86_400_000),
    gatewaySamplingRate: num('LOCAL_GATEWAY_SAMPLING_RATE', 1, 0, 1, false),
    tracesMax: num('LOCAL_TRACES_MAX', 1000, 1, 1_000_000),
    traceSpansMax: num('LOCAL_TRACE_SPANS_MAX', 2000, 10, 1_000_000),
    stopTimeoutMs: num('LOCAL_STOP_TIMEOUT_MS', 10_000, 0, 900_000),
    stateFile: localStateFile(env),
    ...(adminToken ? { adminToken: String(adminToken.value) } : {}),
    ...(processors && String(processors.value).trim() ? { processors: String(processors.value).trim() } : {}),
  });
}
