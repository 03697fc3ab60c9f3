/**
 * npm run build — one bundle per function (functions/<name>/handler.ts → dist/functions/<name>/index.js):
 * minified, with a source map, for Lambda's Node 22 runtime. ESM builds of dependencies are preferred
 * (`mainFields: module, main`) so unused parts are shaken out (OpenTelemetry's semantic conventions alone
 * would add ~80 KB otherwise). The AWS SDK is bundled, not taken from the runtime, so the versions tested
 * here are the versions deployed. Prints each bundle's size as a JSON line.
 */
import { buildSync } from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The project root: the nearest folder above this file with a package.json (this file may run bundled). */
function findRoot(dir: string): string {
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('no package.json above the build script');
    dir = parent;
  }
  return dir;
}

export const ROOT = findRoot(__dirname);
export const FUNCTIONS = readdirSync(join(ROOT, 'functions')).filter((name) => existsSync(join(ROOT, 'functions', name, 'handler.ts')));

export function buildFunction(name: string, outdir = join(ROOT, 'dist', 'functions', name)): { file: string; bytes: number } {
  const file = join(outdir, 'index.js');
  const result = buildSync({
    entryPoints: [join(ROOT, 'functions', name, 'handler.ts')],
    bundle: true,
    minify: true,
    sourcemap: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    mainFields: ['module', 'main'],
    outfile: file,
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
  });
  return { file, bytes: result.metafile.outputs[Object.keys(result.metafile.outputs).find((k) => k.endsWith('index.js'))!]!.bytes };
}

if (require.main === module) {
  for (const name of FUNCTIONS) {
    const { file, bytes } = buildFunction(name);
    console.log(JSON.stringify({ function: name, bundle: file.replace(`${ROOT}/`, ''), bytes, kib: Math.round(bytes / 1024) }));
  }
}
