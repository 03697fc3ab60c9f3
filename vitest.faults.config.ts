import { defineConfig } from 'vitest/config';
import { common } from './vitest.config.js';

/*
 * The fault suite (`npm run test:faults`, run by .ci/run after `npm test`): processes killed, Redis
 * stopped, collectors dead, fuzzed input, the admin surface attacked. Every server on loopback, every loop
 * bounded; each test prints its figure as a JSON line. One file at a time: they kill and time processes.
 */
export default defineConfig({
  test: { ...common, include: ['test/faults/**/*.fault.ts'], fileParallelism: false, testTimeout: 120_000 },
});
