import { join } from 'node:path';
import { build } from 'esbuild';

export interface ConsoleAssets {
  readonly js: string;
  readonly css: string;
}

const UI = join(import.meta.dirname, 'ui');

/**
 * The console's front end, built from tools/local/console/ui with the project's esbuild when the pipeline
 * starts (in memory: nothing written, nothing fetched — no CDN, no internet). Plain DOM code, no framework.
 */
export async function buildConsoleAssets(): Promise<ConsoleAssets> {
  const result = await build({
    entryPoints: [join(UI, 'main.ts'), join(UI, 'style.css')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2022',
    outdir: '/console-assets', // never written: write is false
    write: false,
    logLevel: 'silent',
  });
  const file = (ext: string) => result.outputFiles.find((f) => f.path.endsWith(ext))!.text;
  return { js: file('.js'), css: file('.css') };
}
