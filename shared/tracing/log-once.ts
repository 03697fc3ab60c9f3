export type OnceLogger = (kind: string, message: string) => void;

/**
 * Logs each kind of problem once per process: a collector that is down fails every flush the same way,
 * and one line per invocation would flood the function's logs and bill.
 */
export function logOnce(log: (message: string) => void): OnceLogger {
  const seen = new Set<string>();
  return (kind, message) => {
    if (seen.has(kind)) return;
    seen.add(kind);
    try {
      log(message);
    } catch {
      // A failing logger must not turn a lost export into a failed invocation.
    }
  };
}
