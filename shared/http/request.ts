import type { APIGatewayProxyEvent } from 'aws-lambda';
import { HttpError } from './errors';

/** A header by name, whatever its case (API Gateway passes headers as the client sent them). */
export function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === wanted && v !== undefined) return v;
  return undefined;
}

/**
 * The JSON body of a request: 415 unless it is declared as JSON, 413 beyond `maxBytes`, 400 when it
 * does not parse (naming the field `body`).
 */
export function jsonBody(event: APIGatewayProxyEvent, maxBytes: number): unknown {
  const type = header(event, 'content-type');
  if (!type || !/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
    throw new HttpError(415, 'unsupported_media_type', 'the body must be JSON (Content-Type: application/json)');
  }
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  const size = Buffer.byteLength(text, 'utf8');
  if (size > maxBytes) throw new HttpError(413, 'payload_too_large', `the body is ${size} bytes; the limit is ${maxBytes}`, 'body');
  if (text.trim() === '') throw new HttpError(400, 'invalid_body', 'the body is empty; send a JSON object', 'body');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpError(400, 'invalid_json', `the body is not valid JSON: ${(error as Error).message}`, 'body');
  }
}

/**
 * Whether a path holds a `.` or `..` segment, literal or percent-encoded (`%2e`, `.%2E`), with `/` or `\`
 * between segments. Such a path is refused, never resolved: `/admin/queues/%2e%2e/purge` must not become
 * `/admin/purge`.
 */
export function hasDotSegment(path: string): boolean {
  // Most paths hold neither a dot nor an escape: no split on the hot path.
  if (!path.includes('.') && !path.includes('%')) return false;
  return path.split(/[/\\]/).some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment));
}
