import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** What a running local pipeline leaves for `queue-admin`: where it is and its admin token. */
export interface LocalState {
  readonly url: string;
  readonly adminToken: string;
  readonly pid: number;
  readonly startedAt: string;
}

/** Written owner-only (the token guards purges), atomically so a reader never sees half a file. */
export function writeState(path: string, state: LocalState): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The state of a pipeline that is still running, or undefined (no file, a bad file, or a pipeline gone). */
export function readState(path: string): LocalState | undefined {
  let state: Partial<LocalState>;
  try {
    state = JSON.parse(readFileSync(path, 'utf8')) as Partial<LocalState>;
  } catch {
    return undefined;
  }
  if (typeof state.url !== 'string' || typeof state.adminToken !== 'string' || typeof state.pid !== 'number') return undefined;
  return alive(state.pid) ? (state as LocalState) : undefined;
}

/** Removes the file if it is still this process's (another pipeline may have started since). */
export function removeState(path: string, pid = process.pid): void {
  try {
    const state = JSON.parse(readFileSync(path, 'utf8')) as Partial<LocalState>;
    if (state.pid === pid) rmSync(path, { force: true });
  } catch {
    // Nothing to remove.
  }
}
