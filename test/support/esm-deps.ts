import { buildSync } from 'esbuild';
import { join } from 'node:path';

/**
 * Jest runs CommonJS and refuses to require packages that ship only ES modules (middy). The Lambda
 * bundles and tsx take them as they are; for the tests, esbuild turns each into one CommonJS file that
 * jest.config.js maps the package name to.
 */
const ESM_ONLY = { 'middy-core': '@middy/core' } as const;

export function bundleEsmOnlyDependencies(root: string): void {
  for (const [file, pkg] of Object.entries(ESM_ONLY)) {
    buildSync({
      entryPoints: [require.resolve(pkg, { paths: [root] })],
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      outfile: join(root, 'node_modules', '.cache', 'jest-esm', `${file}.cjs`),
      logLevel: 'warning',
    });
  }
}
