import type { IncomingMessage } from 'node:http';
import type { ClientContext } from 'aws-lambda';
import { firstHeader as header, readBody } from '../http';
import { InvokeApiError } from './errors';
import { parseFunctionName, type FunctionRef } from './function-name';
import { ASYNC_REQUEST_LIMIT_BYTES, SYNC_REQUEST_LIMIT_BYTES } from './limits';
import type { InvocationType } from './types';

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;
const INVOCATION_TYPES: readonly InvocationType[] = ['RequestResponse', 'Event', 'DryRun'];

export interface InvokeTarget {
  readonly ref: FunctionRef;
  readonly invocationType: InvocationType;
}

/** Route, method, FunctionName and invocation type: everything checked before the body is read. */
export function parseInvokeTarget(req: IncomingMessage): InvokeTarget {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const match = INVOKE_PATH.exec(url.pathname);
  if (!match) throw InvokeApiError.unknownOperation(req.method ?? '?', url.pathname);
  if (req.method !== 'POST') throw InvokeApiError.methodNotAllowed(req.method ?? '?');

  const raw = decodeSegment(match[1]!);
  const parsed = raw === undefined ? undefined : parseFunctionName(raw);
  if (!parsed) throw InvokeApiError.invalidParameter('functionName', raw ?? match[1]!, 'Member must satisfy the FunctionName pattern');
  // Versions and aliases are not modelled: any Qualifier addresses the one registered code, like $LATEST.
  const qualifier = url.searchParams.get('Qualifier') ?? parsed.qualifier;
  const ref = qualifier ? { ...parsed, qualifier } : parsed;

  const type = header(req, 'x-amz-invocation-type') ?? 'RequestResponse';
  if (!(INVOCATION_TYPES as readonly string[]).includes(type)) {
    throw InvokeApiError.invalidParameter('invocationType', type, `Member must satisfy enum value set: [${INVOCATION_TYPES.join(', ')}]`);
  }
  return { ref, invocationType: type as InvocationType };
}

/** Reads the payload, up to the invocation type's limit. Too large: 413. */
export async function readPayload(req: IncomingMessage, invocationType: InvocationType): Promise<Buffer> {
  const limit = invocationType === 'Event' ? ASYNC_REQUEST_LIMIT_BYTES : SYNC_REQUEST_LIMIT_BYTES;
  const { body, tooLarge } = await readBody(req, limit);
  if (tooLarge) throw InvokeApiError.requestTooLarge(limit);
  return body;
}

/** The payload as JSON; an empty body is `{}`, as Lambda passes it. */
export function parseEvent(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw InvokeApiError.invalidPayload(`Could not parse payload into json: ${(error as Error).message}`);
  }
}

/** `X-Amz-Client-Context` is base64 of a JSON object; Lambda rejects anything else. */
export function readClientContext(req: IncomingMessage): ClientContext | undefined {
  const value = header(req, 'x-amz-client-context');
  if (value === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as ClientContext;
  } catch {
    // Falls through to the same error as a non-object.
  }
  throw InvokeApiError.invalidClientContext();
}

export { firstHeader as header } from '../http';

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
