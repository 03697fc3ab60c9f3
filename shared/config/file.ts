import { readFileSync, statSync } from 'node:fs';
import { ConfigError } from './errors';
import { deepFreeze, shown } from './values';
import { parseYaml } from './yaml';

type Env = Readonly<Record<string, string | undefined>>;

/** Parsed files by path, kept while the file's mtime and size stay the same. */
const parsed = new Map<string, { readonly mtimeMs: number; readonly size: number; readonly doc: Record<string, unknown> }>();

/** Top-level sections of the YAML file the functions read; anything else is a typo to report, not to ignore. */
export const FILE_SECTIONS = ['observability', 'redis', 'queue', 'poller', 'jobs', 'aws', 'dlq', 'admin'] as const;
/** Sections a tool that runs the functions reads from the same file (declared by it, see declareFileSection). */
const declared = new Set<string>();

/** Lets a tool keep settings of its own in the functions' file: `name` is then a section, not a typo. */
export function declareFileSection(name: string): void {
  declared.add(name);
}

const isSection = (key: string) => (FILE_SECTIONS as readonly string[]).includes(key) || declared.has(key);

const isMap = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The YAML file named by CONFIG_FILE, as a plain frozen document ({} when unset). Every settings parser
 * reads it (tracing, app, and the tools' own): it is parsed once and parsed
 * again only when the file changes.
 */
export function readConfigFile(env: Env): Record<string, unknown> {
  const path = env.CONFIG_FILE?.trim();
  if (!path) return {};
  let stat: { mtimeMs: number; size: number };
  let text: string;
  try {
    stat = statSync(path);
    const cached = parsed.get(path);
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.doc;
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError('CONFIG_FILE', `cannot read ${shown(path)}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const doc = parseDocument(path, text);
  parsed.set(path, { mtimeMs: stat.mtimeMs, size: stat.size, doc });
  return doc;
}

function parseDocument(path: string, text: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError('CONFIG_FILE', `${shown(path)} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (doc === undefined || doc === null) return {};
  if (!isMap(doc)) throw new ConfigError('CONFIG_FILE', `${shown(path)} must hold a map of sections`);
  for (const key of Object.keys(doc)) {
    if (!isSection(key)) throw new ConfigError(key, `is not a section; known: ${[...FILE_SECTIONS, ...declared].join(', ')}`);
  }
  return deepFreeze(doc);
}

/** The map at a dotted path (`observability.tracing`), undefined when absent; `known` lists its settings. */
export function fileSection(doc: Record<string, unknown>, path: string, known: readonly string[]): Record<string, unknown> | undefined {
  const node = fileValue(doc, path);
  if (node === undefined) return undefined;
  if (!isMap(node)) throw new ConfigError(path, 'must be a map of settings');
  for (const key of Object.keys(node)) {
    if (!known.includes(key)) throw new ConfigError(`${path}.${key}`, `is not a setting; known: ${known.join(', ')}`);
  }
  return node;
}

/** The value at a dotted path (`observability.tracing.endpoint`), undefined when absent or null. */
export function fileValue(doc: Record<string, unknown>, path: string): unknown {
  let node: unknown = doc;
  for (const part of path.split('.')) node = isMap(node) ? node[part] : undefined;
  return node === null ? undefined : node;
}
