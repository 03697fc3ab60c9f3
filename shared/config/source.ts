import { fileSection, readConfigFile } from './file';

type Env = Readonly<Record<string, string | undefined>>;

/** One setting's value and the name to blame if it is bad: the environment variable, or the YAML path. */
export interface Source {
  readonly value: unknown;
  readonly key: string;
}

/**
 * Settings by environment variable → YAML path (`section.key`), or null for a variable with no YAML form
 * (secrets, values the Lambda runtime sets).
 */
export type SettingKeys = Readonly<Record<string, string | null>>;

/**
 * Reads settings by their variable name: the variable when set (and not blank), else the YAML file's value
 * at the setting's path. Unknown keys in the sections these settings live in are refused.
 */
export function settingReader(env: Env, keys: SettingKeys): (variable: string) => Source | undefined {
  const doc = readConfigFile(env);
  const sections = new Map<string, Record<string, unknown> | undefined>();
  const known = new Map<string, string[]>();
  for (const path of Object.values(keys)) {
    if (!path) continue;
    const cut = path.lastIndexOf('.');
    known.set(path.slice(0, cut), [...(known.get(path.slice(0, cut)) ?? []), path.slice(cut + 1)]);
  }
  for (const [section, names] of known) sections.set(section, fileSection(doc, section, names));
  return (variable) => {
    const fromEnv = env[variable];
    if (fromEnv !== undefined && fromEnv.trim() !== '') return { value: fromEnv.trim(), key: variable };
    const path = keys[variable];
    if (!path) return undefined;
    const cut = path.lastIndexOf('.');
    const value = sections.get(path.slice(0, cut))?.[path.slice(cut + 1)];
    return value === undefined || value === null ? undefined : { value, key: path };
  };
}
