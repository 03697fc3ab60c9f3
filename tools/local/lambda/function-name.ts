/**
 * Invoke's FunctionName, per the API reference: a name (`my-function`), a partial ARN
 * (`123456789012:function:my-function`) or a full ARN, each optionally ending in `:qualifier`.
 */
const FUNCTION_NAME =
  /^(?:arn:aws[a-zA-Z-]*:lambda:([a-z]{2}(?:-gov)?-[a-z]+-\d):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9_.-]+)(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/;

/** What `register()` accepts: Lambda's rule for a function's own name. */
export const REGISTERED_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export interface FunctionRef {
  readonly name: string;
  readonly qualifier?: string;
  readonly region?: string;
  readonly accountId?: string;
}

/** Returns undefined when the value is not a FunctionName at all (Lambda answers ValidationException). */
export function parseFunctionName(value: string): FunctionRef | undefined {
  const match = FUNCTION_NAME.exec(value);
  if (!match || value.length > 170) return undefined;
  const [, region, accountId, name, qualifier] = match;
  return { name: name!, qualifier, region, accountId };
}

export function functionArn(ref: FunctionRef, defaults: { region: string; accountId: string }): string {
  const base = `arn:aws:lambda:${ref.region ?? defaults.region}:${ref.accountId ?? defaults.accountId}:function:${ref.name}`;
  return ref.qualifier ? `${base}:${ref.qualifier}` : base;
}
