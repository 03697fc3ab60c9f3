/**
 * The one Node.js major the project runs on: the Lambda runtime (`nodejs24.x`), every esbuild target
 * (function bundles, benchmarks, `npm run build`), `engines` and `.node-version`.
 * test/project/node-target.test.ts fails when any of them disagrees with this.
 */
export const NODE_MAJOR = 24;
export const ESBUILD_TARGET = `node${NODE_MAJOR}`;
/** Lambda's name for the runtime. */
export const LAMBDA_RUNTIME = `nodejs${NODE_MAJOR}.x`;
