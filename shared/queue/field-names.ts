/**
 * Field names of request bodies and jobs: how an error names one, and which names are refused.
 *
 * `__proto__`, `constructor` and `prototype` are never fields: JSON.parse makes `__proto__` an own key, and
 * any later `Object.assign` or `obj[key] = …` turns it into the object's prototype; the other two are what
 * a lookup through the prototype chain finds on every object. Refused by name wherever a body is read.
 */
export const RESERVED_FIELD_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const PLAIN_KEY = /^[A-Za-z_$][\w$]*$/;

/**
 * `key` under `parent` as an error names it: `jobs[2].priority`, or with a key that is not a plain name
 * (the empty string, spaces, dots) quoted in brackets: `[""]`, `jobs[0]["a.b"]`. `parent` '' is the top.
 */
export function fieldPath(parent: string, key: string): string {
  if (PLAIN_KEY.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}
