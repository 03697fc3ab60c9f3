import { HttpError } from '../http/errors';

/**
 * The job types every worker-poller runs in-process (functions/worker-poller/processors.ts implements
 * them): known to the enqueue function, which refuses a type nobody would process.
 */
export const BUILT_IN_JOB_TYPES = ['noop', 'sleep', 'fail'] as const;
export type BuiltInJobType = (typeof BUILT_IN_JOB_TYPES)[number];

/**
 * The types a deployment accepts: the built-in ones, its Lambda targets' and JOB_TYPES's — or any,
 * with JOB_TYPES=* (workers elsewhere). undefined: any.
 */
export function knownJobTypes(config: { readonly targets: Readonly<Record<string, string>>; readonly jobTypes: readonly string[] | '*' }) {
  if (config.jobTypes === '*') return undefined;
  return new Set<string>([...BUILT_IN_JOB_TYPES, ...Object.keys(config.targets), ...config.jobTypes]);
}

/** A 400 naming the field, unless `known` (from knownJobTypes) has the type. */
export function checkJobType(known: ReadonlySet<string> | undefined, type: unknown, field: string): void {
  if (!known || (typeof type === 'string' && known.has(type))) return;
  const types = [...known].sort().join(', ');
  throw new HttpError(400, 'unknown_type', `${field}: no processor runs job type ${JSON.stringify(type)}; known types: ${types}`, field);
}
