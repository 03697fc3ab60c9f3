import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|mjs)$/.test(e.name))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

/** Where each relative import of a file points, as a path from the root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) =>
    relative(ROOT, resolve(ROOT, dirname(file), m[1]!)),
  );
}

describe('the tree', () => {
  it('keeps production code free of the tools: nothing in functions/ or shared/ imports tools/', () => {
    const leaks = [...sources('functions'), ...sources('shared')].flatMap((file) =>
      importsOf(file)
        .filter((target) => target.startsWith('tools/'))
        .map((target) => `${file} → ${target}`),
    );
    expect(leaks).toEqual([]);
  });

  it('keeps each function to itself: no function imports another', () => {
    const crossings = sources('functions').flatMap((file) => {
      const own = file.split('/')[1];
      return importsOf(file)
        .filter((t) => t.startsWith('functions/') && t.split('/')[1] !== own)
        .map((t) => `${file} → ${t}`);
    });
    expect(crossings).toEqual([]);
  });

  it('lets the functions use only what package.json lists in dependencies (deployment and tool packages are dev)', () => {
    const { dependencies } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    const outside = [...sources('functions'), ...sources('shared')].flatMap((file) => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      // Type-only imports leave nothing in a bundle.
      const specs = [...text.matchAll(/^import (?!type )[^;]*?from ['"]([^.'"][^'"]*)['"]/gm)].map((m) => m[1]!);
      return specs.filter((spec) => !spec.startsWith('node:') && !(packageOf(spec) in dependencies)).map((spec) => `${file}: ${spec}`);
    });
    expect(outside).toEqual([]);
  });
});
