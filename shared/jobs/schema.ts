import { HttpError } from '../http/errors';
import { fieldPath, RESERVED_FIELD_NAMES } from '../queue/field-names';
import { JOB_TYPE_PATTERN, MAX_ATTEMPTS_LIMIT, MAX_JOB_TIMEOUT_MS, NAME_PATTERN } from '../queue/limits';

/**
 * The enqueue API's request bodies as JSON Schema (the draft-04 subset API Gateway request models take), data that API Gateway request models
 * can reuse. `checkSchema` enforces the subset used here; the queue then checks what a schema cannot
 * (payloads that are JSON, sizes in bytes, priorities of the deployment).
 */
export type Schema = {
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: false;
  readonly items?: Schema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly description?: string;
};

const name = { type: 'string', pattern: NAME_PATTERN.source } as const;

export const jobBodySchema: Schema = {
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', pattern: JOB_TYPE_PATTERN.source, description: 'which processor runs the job' },
    queue: name,
    priority: name,
    payload: { description: 'any JSON value' },
    filepath: { type: 'string', minLength: 1, maxLength: 4096 },
    filesize: { type: 'integer', minimum: 0 },
    maxAttempts: { type: 'integer', minimum: 1, maximum: MAX_ATTEMPTS_LIMIT },
    timeoutMs: { type: 'integer', minimum: 1, maximum: MAX_JOB_TIMEOUT_MS },
  },
};

export const batchBodySchema: Schema = {
  type: 'object',
  required: ['jobs'],
  additionalProperties: false,
  properties: { jobs: { type: 'array', minItems: 1, items: jobBodySchema } },
};

const patterns = new Map<string, RegExp>();
const compiled = (pattern: string): RegExp => {
  let regex = patterns.get(pattern);
  if (!regex) patterns.set(pattern, (regex = new RegExp(pattern)));
  return regex;
};

const kind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);

/** Throws a 400 naming the first field at fault (`jobs[2].priority`), or returns the value unchanged. */
export function checkSchema(value: unknown, schema: Schema, path = ''): unknown {
  const at = path || 'body';
  const fail = (message: string): never => {
    throw new HttpError(400, 'invalid_job', `${at}: ${message}`, at);
  };
  if (schema.type) {
    const actual = kind(value);
    const ok = actual === schema.type || (schema.type === 'number' && actual === 'integer');
    if (!ok)
      fail(`must be ${schema.type === 'integer' || schema.type === 'array' || schema.type === 'object' ? 'an' : 'a'} ${schema.type}`);
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) fail(`must have at least ${schema.minLength} characters`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength) fail(`must have at most ${schema.maxLength} characters`);
    if (schema.pattern !== undefined && !compiled(schema.pattern).test(value)) fail(`must match ${schema.pattern}`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) fail(`must be at least ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) fail(`must be at most ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) fail(`must have at least ${schema.minItems} item(s)`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) fail(`must have at most ${schema.maxItems} items`);
    if (schema.items) value.forEach((item, i) => checkSchema(item, schema.items!, `${path}[${i}]`));
  }
  if (kind(value) === 'object' && schema.type === 'object') {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      const subPath = fieldPath(path, key);
      // Own keys only, here and below: `in` and a plain lookup would find `constructor` on every object.
      if (!Object.hasOwn(object, key)) throw new HttpError(400, 'invalid_job', `${subPath}: is required`, subPath);
    }
    for (const [key, v] of Object.entries(object)) {
      const subPath = fieldPath(path, key);
      if (RESERVED_FIELD_NAMES.has(key)) throw new HttpError(400, 'invalid_job', `${subPath}: is a reserved name, never a field`, subPath);
      const sub = schema.properties && Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
      if (!sub) {
        if (schema.additionalProperties === false)
          throw new HttpError(400, 'invalid_job', `${subPath}: is not a field of this request`, subPath);
        continue;
      }
      checkSchema(v, sub, subPath);
    }
  }
  return value;
}
