/**
 * npm run build — one bundle per function (functions/<name>/handler.ts → dist/functions/<name>/index.js):
 * minified, with a source map, for Lambda's Node 24 runtime. ESM builds of dependencies are preferred
 * (`mainFields: module, main`) so unused parts are shaken out (OpenTelemetry's semantic conventions alone
 * would add ~80 KB otherwise). The AWS SDK is bundled, not taken from the runtime, so the versions tested
 * here are the versions deployed; js-yaml travels beside the bundle (scripts/bundle.ts). Prints each
 * bundle's size as a JSON line.
 */
import { buildSync } from 'esbuild';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BUNDLE_DEFINE, carryBeside } from './bundle';
import { ESBUILD_TARGET } from './node-target';

/** The project root: the nearest folder above this file with a package.json (this file may run bundled). */
function findRoot(dir: string): string {
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('no package.json above the build script');
    dir = parent;
  }
  return dir;
}

export const ROOT = findRoot(import.meta.dirname);
export const FUNCTIONS = readdirSync(join(ROOT, 'functions')).filter((name) => existsSync(join(ROOT, 'functions', name, 'handler.ts')));

export function buildFunction(name: string, outdir = join(ROOT, 'dist', 'functions', name)): { file: string; bytes: number } {
  return buildBundle(join(ROOT, 'functions', name, 'handler.ts'), outdir);
}

/** Bundles `entry` as a function is bundled (also the benchmarks' peer handlers): `outdir`/index.js. */
export function buildBundle(entry: string, outdir: string): { file: string; bytes: number } {
  const file = join(outdir, 'index.js');
  const result = buildSync({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    sourcemap: true,
    platform: 'node',
    target: ESBUILD_TARGET,
    format: 'cjs',
    mainFields: ['module', 'main'],
    outfile: file,
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
    define: BUNDLE_DEFINE,
  });
  carryBeside(ROOT, outdir);
  // The bundle is CommonJS, as Lambda loads an index.js with no package.json beside it; this project's own
  // package.json says "module", so the folder says otherwise for Node here.
  writeFileSync(join(outdir, 'package.json'), '{ "type": "commonjs" }\n');
  return { file, bytes: result.metafile.outputs[Object.keys(result.metafile.outputs).find((k) => k.endsWith('index.js'))!]!.bytes };
}

// Run as a script (not when bundled into a benchmark, whose own file is then argv[1]).
if (process.argv[1] === import.meta.filename && import.meta.filename.endsWith('build.ts')) {
  for (const name of FUNCTIONS) {
    const { file, bytes } = buildFunction(name);
    console.log(JSON.stringify({ function: name, bundle: file.replace(`${ROOT}/`, ''), bytes, kib: Math.round(bytes / 1024) }));
  }
}
