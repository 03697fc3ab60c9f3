import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HASH_MAX_LISTPACK_VALUE } from '../../shared/queue/limits';

/** A throwaway `redis-server` on a free loopback port: for tests, benchmarks and the local pipeline. */
export interface LocalRedis {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function waitForReady(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`redis-server on port ${port} did not start in time:\n${output}`)), 10_000);
    const fail = (err: Error) => {
      clearTimeout(timer);
      reject(err);
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('error', (err) =>
      fail(new Error(`cannot run redis-server (${err.message}); install it, e.g. apt-get install -y redis-server`)),
    );
    child.on('exit', (code) => fail(new Error(`redis-server exited with code ${code}:\n${output}`)));
  });
}

/**
 * Starts redis-server with the settings the queue relies on (noeviction) and nothing on disk.
 * Retries on another port if the chosen one was taken in the meantime.
 */
export async function startRedisServer(extraArgs: readonly string[] = []): Promise<LocalRedis> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'tq-redis-'));
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--maxmemory-policy',
        'noeviction',
        // As the stack's parameter group sets it (infra/data-stack.ts): job records stay compact.
        '--hash-max-listpack-value',
        String(HASH_MAX_LISTPACK_VALUE),
        '--loglevel',
        'notice',
        ...extraArgs,
      ],
      // Its own process group: a Ctrl-C in the terminal goes to the pipeline, which stops this server last,
      // after its clients have closed (in the same group it died first, under their feet).
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    // ...but it never outlives us: a pipeline that exits by any path takes its server with it.
    const orphanGuard = () => child.kill('SIGKILL');
    process.once('exit', orphanGuard);
    try {
      await waitForReady(child, port);
    } catch (err) {
      process.removeListener('exit', orphanGuard);
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      if (attempt < 3 && /Address already in use/.test(String(err))) continue;
      throw err;
    }
    child.stdout?.resume();
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      pid: child.pid!,
      stop: () =>
        new Promise<void>((resolve) => {
          const done = () => {
            process.removeListener('exit', orphanGuard);
            rmSync(dir, { recursive: true, force: true });
            resolve();
          };
          // Already gone (killed from outside): nothing to wait for.
          if (child.exitCode !== null || child.signalCode !== null) return done();
          child.once('exit', done);
          child.kill('SIGTERM');
        }),
    };
  }
}
