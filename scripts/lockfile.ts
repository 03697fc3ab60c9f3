/** What package-lock.json must hold for `npm ci` to accept it: read by `npm run lock:fix` and its test. */
export interface LockPackage {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  optionalDependencies?: Record<string, string>;
}

export interface MissingEntry {
  readonly dependant: string;
  readonly name: string;
  readonly version: string;
  readonly dev: boolean;
}

/** Whether Node's resolution finds `name` from `path`: in path/node_modules, then in each folder above it. */
function resolvable(packages: Record<string, LockPackage>, path: string, name: string): boolean {
  for (let dir = path; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/node_modules/')))) {
    if (packages[`${dir ? `${dir}/` : ''}node_modules/${name}`]) return true;
    if (!dir) return false;
  }
}

/** Every optional dependency that has no lock entry where its dependant would find it. */
export function missingOptionalEntries(packages: Record<string, LockPackage>): MissingEntry[] {
  const missing: MissingEntry[] = [];
  for (const [path, meta] of Object.entries(packages)) {
    for (const [name, version] of Object.entries(meta.optionalDependencies ?? {})) {
      if (!resolvable(packages, path, name)) missing.push({ dependant: path, name, version, dev: meta.dev === true });
    }
  }
  return missing;
}
