/** The four functions, as deployed and as run locally. */
export const FUNCTION_NAMES = ['enqueue', 'worker-poller', 'admin', 'dlq'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/**
 * Memory and timeout of each function, deployed (infra) and local alike: the poller runs for minutes with
 * 50 jobs at once (its time budget keeps a job timeout in hand), the rest answer fast.
 */
export const FUNCTION_SIZES: Readonly<Record<FunctionName, { readonly memoryMb: number; readonly timeoutMs: number }>> = {
  enqueue: { memoryMb: 512, timeoutMs: 10_000 },
  'worker-poller': { memoryMb: 1024, timeoutMs: 300_000 },
  admin: { memoryMb: 512, timeoutMs: 30_000 },
  dlq: { memoryMb: 512, timeoutMs: 60_000 },
};
