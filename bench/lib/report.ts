import { execFile } from 'node:child_process';

/** Benchmarks print one JSON object per line: measurements first, then a summary per figure. */
export function emit(record: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const round = (n: number, digits = 0) => Number(n.toFixed(digits));

/** Runs Node with `args` in a fresh process; the JSON object its last stdout line holds. */
export function runNodeJson<T>(args: readonly string[], env: NodeJS.ProcessEnv, label: string): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { env, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${label}: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as T);
    });
  });
}
