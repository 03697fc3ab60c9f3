import { authHeaders, type Target } from './target';

/** An error answer from the admin API: its status, message and the field at fault, if any. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** One admin API call: path below the API's base URL (its stage included), JSON in and out. */
export async function call(
  target: Target,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  query: Record<string, string> = {},
  body?: unknown,
): Promise<unknown> {
  const url = new URL(`${target.url.pathname.replace(/\/+$/, '')}${path}`, target.url.origin);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const text = body === undefined ? undefined : JSON.stringify(body);
  const headers = await authHeaders(
    target,
    method,
    url,
    text,
    text === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
  );
  let res: Response;
  try {
    res = await fetch(url, { method, headers, ...(text !== undefined ? { body: text } : {}), signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new ApiError(0, `cannot reach ${url.origin}: ${cause ?? (error as Error).message}`);
  }
  const answer = await res.text();
  let parsed: unknown;
  try {
    parsed = answer ? JSON.parse(answer) : null;
  } catch {
    parsed = answer;
  }
  if (!res.ok) {
    const e = (parsed ?? {}) as { message?: unknown; field?: unknown; error?: unknown };
    const message = typeof e.message === 'string' ? e.message : typeof parsed === 'string' && parsed ? parsed : res.statusText;
    throw new ApiError(res.status, message, typeof e.field === 'string' ? e.field : undefined);
  }
  return parsed;
}
