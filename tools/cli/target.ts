import { isLoopback } from '../../shared/config/values';
import { localStateFile } from '../local/config';
import { readState } from '../local/pipeline/state-file';
import { regionOfApiHost, signedHeaders } from './sigv4';

type Env = Readonly<Record<string, string | undefined>>;

/** Where the CLI sends requests and how it authenticates them. */
export type Target =
  | { readonly kind: 'local'; readonly url: URL; readonly token: string }
  | { readonly kind: 'aws'; readonly url: URL; readonly region: string };

/** A usage problem: the CLI says it and exits with status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * `--url` or QUEUE_ADMIN_URL, else the local pipeline this user is running (its state file). A loopback URL
 * is the local pipeline (bearer token: QUEUE_ADMIN_TOKEN or the state file's); anything else is a deployed
 * API, reached over TLS only and signed with SigV4.
 */
export function resolveTarget(flags: { url?: string; region?: string }, env: Env = process.env): Target {
  const stateFile = localStateFile(env);
  const state = readState(stateFile);
  const raw = flags.url ?? (env.QUEUE_ADMIN_URL?.trim() || undefined) ?? state?.url;
  if (!raw) throw new UsageError(`no local pipeline is running (no ${stateFile}): start one with npm start, or pass --url <API URL>`);
  let url: URL;
  try {
    url = new URL(raw.replace(/\/+$/, ''));
  } catch {
    throw new UsageError(`--url: ${JSON.stringify(raw)} is not a URL`);
  }
  if (isLoopback(url.hostname)) {
    const token = env.QUEUE_ADMIN_TOKEN?.trim() || (state && new URL(state.url).host === url.host ? state.adminToken : undefined);
    if (!token) throw new UsageError(`no admin token for ${url.origin}: set QUEUE_ADMIN_TOKEN (npm start writes it to ${stateFile})`);
    return { kind: 'local', url, token };
  }
  if (url.protocol !== 'https:') throw new UsageError(`--url: ${url.origin} is not on this machine, so it must be https://`);
  const region = flags.region ?? regionOfApiHost(url.hostname) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new UsageError('--region: cannot tell the region from the URL; pass --region or set AWS_REGION');
  return { kind: 'aws', url, region };
}

/** The headers that authenticate a request to the target. */
export async function authHeaders(
  target: Target,
  method: string,
  url: URL,
  body: string | undefined,
  headers: Record<string, string>,
): Promise<Record<string, string>> {
  if (target.kind === 'local') return { ...headers, authorization: `Bearer ${target.token}` };
  return signedHeaders({ method, url, headers, ...(body !== undefined ? { body } : {}) }, target.region);
}
