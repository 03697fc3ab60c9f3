import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redisUrl } from './redis';

const ROOT = join(import.meta.dirname, '..', '..');

export interface RunningPipeline {
  readonly url: string;
  readonly namespace: string;
  readonly stateFile: string;
  readonly child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Sends a signal (to its whole process group, as a terminal's Ctrl-C does, with `group`) and resolves with the exit code once it is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Fast retries and a quick poller, so a failing job reaches the dead-letter queue within a test. */
export const FAST_RETRIES: Readonly<Record<string, string>> = {
  QUEUE_BACKOFF_BASE_MS: '50',
  QUEUE_BACKOFF_CAP_MS: '100',
  LOCAL_POLLER_EVERY_MS: '200',
};

/** `npm start`'s entry point in a child process, on a free port, against the test Redis, in a namespace of its own. */
export async function startPipeline(env: Record<string, string> = {}, options: { group?: boolean } = {}): Promise<RunningPipeline> {
  const namespace = `t-local-${randomBytes(4).toString('hex')}`;
  const stateFile = join(mkdtempSync(join(tmpdir(), 'tq-local-')), 'local.json');
  // One process (tsx's CLI would run the script in a child of its own, which a kill would orphan).
  const child = spawn(process.execPath, ['--import', 'tsx', 'tools/local/start.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      REDIS_URL: redisUrl(),
      QUEUE_NAMESPACE: namespace,
      LOCAL_STATE_FILE: stateFile,
      NODE_OPTIONS: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, as a shell gives a foreground job: signals can then go to the whole group.
    detached: options.group === true,
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not come up in 30 s:\n${output}`)), 30_000);
    const check = () => {
      const m = /API \(API Gateway\)\s+(http:\/\/127\.0\.0\.1:\d+)\/jobs/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    namespace,
    stateFile,
    child,
    output: () => output,
    stop(signal = 'SIGINT') {
      if (child.exitCode === null) {
        if (options.group) process.kill(-child.pid!, signal);
        else child.kill(signal);
      }
      return exited;
    },
  };
}

/** Polls until `check` returns a value (not undefined), or fails after `ms` with what it last saw. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 15_000, what = 'condition'): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The admin token the pipeline wrote to its state file (as `npm run -s queue-admin --` reads it). */
export function adminTokenOf(p: RunningPipeline): string {
  return (JSON.parse(readFileSync(p.stateFile, 'utf8')) as { adminToken: string }).adminToken;
}

/**
 * One HTTP request exactly as given: the path is not normalized (fetch would resolve `..` and `%2e%2e`),
 * and Host and Origin may be anything, as a browser page or a DNS-rebound name would send them.
 */
export function rawRequest(
  base: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method: options.method ?? 'GET', path: options.path, headers: options.headers ?? {} },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.once('error', reject);
    req.end(options.body);
  });
}

const CLI = join(ROOT, 'tools', 'cli', 'queue-admin.mjs');

/** `queue-admin` against a running pipeline (its state file gives the URL and token), as a user runs it. */
export async function runCli(p: RunningPipeline, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], {
      env: { ...process.env, LOCAL_STATE_FILE: p.stateFile, QUEUE_ADMIN_URL: '', QUEUE_ADMIN_TOKEN: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
