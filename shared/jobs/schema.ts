import { HttpError } from '../http/errors';
import { fieldPath, RESERVED_FIELD_NAMES } from '../queue/field-names';
import { JOB_TYPE_PATTERN, MAX_ATTEMPTS_LIMIT, MAX_DELAY_MS, MAX_JOB_TIMEOUT_MS, NAME_PATTERN, RUN_AT_PATTERN } from '../queue/limits';

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
    delayMs: {
      type: 'integer',
      minimum: 0,
      maximum: MAX_DELAY_MS,
      description: 'wait this long (ms) before the job is due; not with runAt',
    },
    runAt: { type: 'string', pattern: RUN_AT_PATTERN.source, description: 'when the job is due (RFC 3339); not with delayMs' },
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
  check(value, schema, path, undefined);
  return value;
}

/** A schema's properties as a Map: looked up by own name only (an object would find `constructor`). */
const propertyMaps = new WeakMap<Schema, ReadonlyMap<string, Schema>>();
function propertiesOf(schema: Schema): ReadonlyMap<string, Schema> {
  let map = propertyMaps.get(schema);
  if (!map) propertyMaps.set(schema, (map = new Map(Object.entries(schema.properties ?? {}))));
  return map;
}

const refuse = (path: string, message: string): never => {
  const field = path || 'body';
  throw new HttpError(400, 'invalid_job', `${field}: ${message}`, field);
};

/**
 * One value against its schema. Its path (`parent` and `key`) is rendered only when it is needed — for an
 * error, or to descend into an object or array — so a valid request never pays for field names.
 */
const pathOf = (parent: string, key: string | number | undefined): string =>
  key === undefined ? parent : typeof key === 'number' ? `${parent}[${key}]` : fieldPath(parent, key);

function check(value: unknown, schema: Schema, parent: string, key: string | number | undefined): void {
  // Runs for every field of every request: no closure, and the path rendered only for an error.
  if (schema.type) {
    const actual = kind(value);
    const ok = actual === schema.type || (schema.type === 'number' && actual === 'integer');
    if (!ok)
      refuse(
        pathOf(parent, key),
        `must be ${schema.type === 'integer' || schema.type === 'array' || schema.type === 'object' ? 'an' : 'a'} ${schema.type}`,
      );
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength)
      refuse(pathOf(parent, key), `must have at least ${schema.minLength} characters`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength)
      refuse(pathOf(parent, key), `must have at most ${schema.maxLength} characters`);
    if (schema.pattern !== undefined && !compiled(schema.pattern).test(value)) refuse(pathOf(parent, key), `must match ${schema.pattern}`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) refuse(pathOf(parent, key), `must be at least ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) refuse(pathOf(parent, key), `must be at most ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      refuse(pathOf(parent, key), `must have at least ${schema.minItems} item(s)`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      refuse(pathOf(parent, key), `must have at most ${schema.maxItems} items`);
    if (schema.items) {
      const here = pathOf(parent, key);
      for (let i = 0; i < value.length; i++) check(value[i], schema.items, here, i);
    }
  }
  if (schema.type === 'object' && kind(value) === 'object') {
    const object = value as Record<string, unknown>;
    const here = pathOf(parent, key);
    for (const name of schema.required ?? []) {
      // Own keys only, here and below: `in` and a plain lookup would find `constructor` on every object.
      if (!Object.hasOwn(object, name)) refuse(fieldPath(here, name), 'is required');
    }
    const properties = propertiesOf(schema);
    for (const name of Object.keys(object)) {
      if (RESERVED_FIELD_NAMES.has(name)) refuse(fieldPath(here, name), 'is a reserved name, never a field');
      const sub = properties.get(name);
      if (!sub) {
        if (schema.additionalProperties === false) refuse(fieldPath(here, name), 'is not a field of this request');
        continue;
      }
      check(object[name], sub, here, name);
    }
  }
}
