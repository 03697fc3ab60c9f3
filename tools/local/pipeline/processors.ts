import { watch, type FSWatcher } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Processor } from '../../../functions/worker-poller/processors';
import { JOB_TYPE_PATTERN } from '../../../shared/queue/limits';

export interface UserProcessors {
  /** The processors as last loaded. */
  current(): Readonly<Record<string, Processor>>;
  /** The job types the module exported at start (the enqueue function accepts these). */
  readonly types: readonly string[];
  close(): void;
}

type Module = { processors?: unknown; default?: unknown };

function processorsOf(file: string, mod: Module): Record<string, Processor> {
  const table = (mod.processors ?? mod.default) as Record<string, unknown> | undefined;
  if (!table || typeof table !== 'object')
    throw new Error(`${file} exports no processors: export const processors = { type: async (job) => … }`);
  for (const [type, fn] of Object.entries(table)) {
    if (!JOB_TYPE_PATTERN.test(type)) throw new Error(`${file}: ${JSON.stringify(type)} is not a job type (${JOB_TYPE_PATTERN})`);
    if (typeof fn !== 'function') throw new Error(`${file}: processors.${type} is not a function`);
  }
  return table as Record<string, Processor>;
}

/**
 * LOCAL_PROCESSORS: the user's own job code for `npm start` — a module (TypeScript or JavaScript) exporting
 * `processors`, run by the local worker-poller beside the built-in ones, and reloaded when the file
 * changes (as serverless-offline and `sam local` reload handlers). A reload that fails keeps the last
 * good processors and says why in one line.
 */
export async function loadUserProcessors(path: string, log: (line: string) => void): Promise<UserProcessors> {
  const file = resolve(path);
  let version = 0;
  const load = async () => processorsOf(path, (await import(`${pathToFileURL(file).href}?v=${++version}`)) as Module);
  let current: Record<string, Processor>;
  try {
    current = await load();
  } catch (error) {
    throw new Error(`LOCAL_PROCESSORS: ${(error as Error).message.split('\n')[0]}`);
  }
  const types = Object.keys(current).sort();
  let timer: NodeJS.Timeout | undefined;
  const watcher: FSWatcher = watch(file, () => {
    clearTimeout(timer);
    // Editors write a file in several steps: load once it settles.
    timer = setTimeout(() => {
      load().then(
        (next) => {
          current = next;
          const added = Object.keys(next).filter((t) => !types.includes(t));
          log(`[local] reloaded processors from ${path}: ${Object.keys(next).sort().join(', ')}`);
          if (added.length) log(`[local] new job types ${added.join(', ')}: restart npm start for POST /jobs to accept them`);
        },
        (error: unknown) => log(`[local] processors from ${path} not reloaded: ${(error as Error).message.split('\n')[0]}`),
      );
    }, 100);
  });
  return { current: () => current, types, close: () => (clearTimeout(timer), watcher.close()) };
}
