/**
 * What every function bundle shares, whoever builds it: `npm run build`, the benchmarks, the CDK stack.
 *
 * js-yaml is not in the bundle. shared/config/yaml.ts requires it on first use, which only a named
 * CONFIG_FILE causes (the stack names none), so it travels beside the bundle in `node_modules/js-yaml`,
 * 43 KiB that a function naming no file never reads.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** yaml.ts's ES-module branch (`import.meta.url`) is dead code in a CommonJS bundle: say so to esbuild. */
export const BUNDLE_DEFINE: Readonly<Record<string, string>> = { 'import.meta.url': 'undefined' };

/** Files carried beside each bundle: [from the project root, to the bundle's folder]. */
export const CARRIED: ReadonlyArray<readonly [string, string]> = [
  ['node_modules/js-yaml/dist/js-yaml.min.js', 'node_modules/js-yaml/index.js'],
  ['node_modules/js-yaml/LICENSE', 'node_modules/js-yaml/LICENSE'],
];

export function carryBeside(root: string, outdir: string): void {
  for (const [from, to] of CARRIED) {
    mkdirSync(dirname(join(outdir, to)), { recursive: true });
    copyFileSync(join(root, from), join(outdir, to));
  }
}

/** The same, as shell commands (CDK's afterBundling hook). */
export function carryCommands(root: string, outdir: string): string[] {
  return CARRIED.map(([from, to]) => `mkdir -p "${dirname(join(outdir, to))}" && cp "${join(root, from)}" "${join(outdir, to)}"`);
}
