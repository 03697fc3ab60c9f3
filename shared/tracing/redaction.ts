import { createHash } from 'node:crypto';
import type { AttributeValue, Attributes } from '@opentelemetry/api';

/**
 * What must not leave the process. Each rule rewrites free text; they run in this order, so a URL's
 * credentials go before the URL's path is treated as a file path.
 */
const TEXT_RULES: ReadonlyArray<readonly [RegExp, string | ((...m: string[]) => string)]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, '[private-key]'],
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, '$1[redacted]@'],
  [/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [redacted]'],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '[jwt]'],
  [/\b(?:AKIA|ASIA|AIDA|AROA|AGPA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g, '[aws-access-key]'],
  [
    // The value after a credential's name; an auth scheme word (Bearer …) is left to the rule above.
    /\b((?:aws_)?(?:secret(?:_access)?_key|session_token|password|passwd|pwd|secret|token|api[_-]?key|access[_-]?token|auth(?:orization)?|credentials?|private[_-]?key)"?\s*[:=]\s*)("?)(?!(?:Bearer|Basic|Token)\s|\[redacted\])[^\s",;&'}]+/gi,
    '$1$2[redacted]',
  ],
  [/\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\b/g, '[email]'],
  [/\b(?:\d[ -]?){12,18}\d\b/g, (card: string) => (luhn(card.replace(/\D/g, '')) ? '[card]' : card)],
  // File paths, last: Windows, then POSIX (two segments or more).
  [/(?:[A-Za-z]:\\|\\\\)(?:[^\\\s"'<>|:*?]+\\)*[^\\\s"'<>|:*?]+/g, (p: string) => anonymizePath(p)],
  [/(?<![\w:/.])(?:\/[A-Za-z0-9._@%+~-]+){2,}\/?/g, (p: string) => anonymizePath(p)],
];
/** The rules without the file-path ones, for values that are URL paths (routes, request paths). */
export const NON_PATH_RULES = TEXT_RULES.slice(0, -2);

/** Attribute keys whose whole value is secret, whatever it looks like. */
const SECRET_KEY = /(password|passwd|secret|token|authorization|cookie|api[._-]?key|credential|private[._-]?key|session)/i;
/** Attribute keys that hold a file path (anonymised even when relative). */
const PATH_KEY = /(^|\.)file_?path$|(^|\.)file\.(path|name)$/i;
/** Attribute keys that hold a URL path or route: what the function serves, kept readable (other rules still apply). */
const URL_PATH_KEY = /^(url\.path|http\.route|http\.target)$/;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return digits.length >= 13 && sum % 10 === 0;
}

/**
 * A path becomes `[path:<hash>]<.ext>`: the extension helps debugging (which kind of file fails), the
 * short hash lets one file be followed across spans, and the names and folders are gone.
 */
export function anonymizePath(path: string): string {
  const name = path.split(/[\\/]/).filter(Boolean).pop() ?? '';
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot).toLowerCase() : '';
  const hash = createHash('sha256').update(path).digest('hex').slice(0, 8);
  return `[path:${hash}]${ext}`;
}

/**
 * A character or fragment every rule above needs (a separator, '@', ':', '=', '/', a key prefix, 13 digits):
 * text without one, like most attribute values (names, ids, numbers), skips the ten rules.
 */
const mayMatch = (separators: string) =>
  new RegExp(`[${separators}@:=\\s]|-----|eyJ|A(?:KIA|SIA|IDA|ROA|GPA|NPA|NVA|IPA)[A-Z0-9]{16}|(?:\\d[ -]?){12}\\d`);
const MAY_MATCH = mayMatch('/\\\\');
/** The same for the rules without file paths: '/' and '\\' alone need none of them (a route like /jobs/{id}). */
const MAY_MATCH_NON_PATH = mayMatch('');

/** Every rule, always (the reference `redactText` must agree with). */
export function applyTextRules(text: string, rules = TEXT_RULES): string {
  let out = text;
  for (const [pattern, replacement] of rules) out = out.replace(pattern, replacement as string);
  return out;
}

/** Free text with secrets and personal data replaced; `urlPath`: the text is a URL path, not a file's. */
export function redactText(text: string, options: { readonly urlPath?: boolean } = {}): string {
  if (options.urlPath) return MAY_MATCH_NON_PATH.test(text) ? applyTextRules(text, NON_PATH_RULES) : text;
  return MAY_MATCH.test(text) ? applyTextRules(text, TEXT_RULES) : text;
}

type KeyKind = 'secret' | 'file-path' | 'url-path' | 'text';
/**
 * What an attribute key says of its value, remembered: spans repeat the same few keys, and three regexes
 * per attribute per span were a measurable part of an export. Bounded, for keys a caller makes up.
 */
const keyKinds = new Map<string, KeyKind>();
function keyKind(key: string): KeyKind {
  let kind = keyKinds.get(key);
  if (kind) return kind;
  kind = SECRET_KEY.test(key) ? 'secret' : PATH_KEY.test(key) ? 'file-path' : URL_PATH_KEY.test(key) ? 'url-path' : 'text';
  if (keyKinds.size >= 1024) keyKinds.clear();
  keyKinds.set(key, kind);
  return kind;
}

const URL_PATH = { urlPath: true } as const;

function redactValue(key: string, value: AttributeValue): AttributeValue {
  const kind = keyKind(key);
  if (kind === 'secret') return '[redacted]';
  const one = (v: unknown) =>
    typeof v !== 'string' ? v : kind === 'file-path' ? anonymizePath(v) : kind === 'url-path' ? redactText(v, URL_PATH) : redactText(v);
  if (!Array.isArray(value)) return one(value) as AttributeValue;
  const items = value.map(one);
  // The same array when no item changed, so a caller can tell a clean value by identity.
  return (items.every((v, i) => v === value[i]) ? value : items) as AttributeValue;
}

export interface RedactionPolicy {
  readonly redactSensitive: boolean;
  /** Only these keys survive; null keeps all. */
  readonly allowlist: readonly string[] | null;
}

/** The allowlist as a set, made once per list rather than once per span, event and link. */
const allowSets = new WeakMap<readonly string[], ReadonlySet<string>>();
function allowSet(list: readonly string[]): ReadonlySet<string> {
  let set = allowSets.get(list);
  if (!set) allowSets.set(list, (set = new Set(list)));
  return set;
}

/** Applies the policy to attributes: a new object, or `attributes` itself when the policy changes nothing. */
export function redactAttributes(attributes: Attributes, policy: RedactionPolicy): Attributes {
  const allowed = policy.allowlist ? allowSet(policy.allowlist) : null;
  const out: Attributes = {};
  let changed = false;
  for (const key in attributes) {
    const value = attributes[key];
    if (value === undefined || (allowed && !allowed.has(key))) {
      changed = true;
      continue;
    }
    const kept = policy.redactSensitive ? redactValue(key, value) : value;
    if (kept !== value) changed = true;
    out[key] = kept;
  }
  return changed ? out : attributes;
}
