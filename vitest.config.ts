import { defineConfig, type ViteUserConfig } from 'vitest/config';

/*
 * Vitest, not Jest: the project is ES modules (middy 7 ships only an `import` entry point), and Jest's ESM
 * mode is still experimental (--experimental-vm-modules, no module mocking or isolation in ESM). Vitest
 * runs the same describe/it/expect tests natively as ESM.
 */
/** What every run shares, the fault suite's (vitest.faults.config.ts) too. */
export const common: NonNullable<ViteUserConfig['test']> = {
  globals: true,
  // One real redis-server for the whole run (unless REDIS_URL names one); test files share it by namespace.
  globalSetup: ['test/support/global-setup.ts'],
  testTimeout: 20_000,
  hookTimeout: 30_000,
  // Files in separate processes: tests time child processes and servers, and a worker thread's crash or
  // process.exit must not take the run down.
  pool: 'forks',
  // ioredis (redis/ioredis#1195, open) can leave a Cluster command's "Too many Cluster redirections"
  // rejection unhandled inside the client while a slot migrates, with our own promise for the command
  // rejected and handled too: the cluster tests move slots on purpose. Only that error is let through.
  onUnhandledError: (error) => !/^Too many Cluster redirections\./.test(String((error as Error)?.message ?? '')),
};

export default defineConfig({ test: { ...common, include: ['test/**/*.test.ts'] } });
