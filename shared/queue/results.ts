import { QueueArgumentError } from './errors';
import { MAX_PROGRESS_BYTES } from './limits';

/**
 * A processor's result as the ack script takes it: '' when there is none, its JSON when it fits in
 * `maxBytes`, else `#` and why it was not kept (JSON never starts with `#`). A result that cannot be kept
 * never fails the job: the job did its work.
 */
export function encodeResult(result: unknown, maxBytes: number): string {
  if (result === undefined) return '';
  let json: string | undefined;
  try {
    json = JSON.stringify(result);
  } catch (error) {
    return `#not JSON: ${(error as Error).message}`.slice(0, 200);
  }
  if (json === undefined) return `#not JSON: a ${typeof result}`;
  const size = json.length <= maxBytes / 3 ? json.length : Buffer.byteLength(json, 'utf8'); // UTF-8: at most 3 bytes per UTF-16 unit
  return size > maxBytes ? `#${size} bytes as JSON; the limit is ${maxBytes}` : json;
}

/** A progress report as JSON: a number from 0 to 100, or a JSON value of at most MAX_PROGRESS_BYTES. */
export function encodeProgress(value: unknown): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0 || value > 100) throw new QueueArgumentError('progress', 'a number must be from 0 to 100');
    return String(value);
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  if (json === undefined || value === null) throw new QueueArgumentError('progress', 'must be a number from 0 to 100 or a JSON value');
  const size = Buffer.byteLength(json, 'utf8');
  if (size > MAX_PROGRESS_BYTES) throw new QueueArgumentError('progress', `is ${size} bytes as JSON; the limit is ${MAX_PROGRESS_BYTES}`);
  return json;
}
