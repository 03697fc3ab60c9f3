import type { MockInstance } from 'vitest';

type Record_ = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Captures the JSON records our code writes to stdout and stderr (shared/log.ts writes past the console),
 * keeping them out of the test output; other writes (the runner's own) pass through.
 */
export function captureLogs(): { out(): Record_[]; err(): Record_[]; restore(): void } {
  const spies: MockInstance[] = [];
  const capture = (stream: NodeJS.WriteStream) => {
    const records: Record_[] = [];
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    spies.push(
      vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
        const text = String(chunk);
        if (text.startsWith('{') && text.endsWith('}\n')) {
          records.push(JSON.parse(text) as Record_);
          return true;
        }
        return write(chunk, ...rest);
      }) as NodeJS.WriteStream['write']),
    );
    return records;
  };
  const out = capture(process.stdout);
  const err = capture(process.stderr);
  return { out: () => out, err: () => err, restore: () => spies.forEach((s) => s.mockRestore()) };
}
