import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID } from '../lambda/limits';

export interface Schedule {
  readonly name: string;
  readonly everyMs: number;
  /** Run at start as well as every `everyMs`. */
  readonly immediately: boolean;
  run(): Promise<unknown>;
}

export interface Scheduler {
  /** No further runs; those under way go on. */
  stop(): void;
  /** Resolves when no run is under way. */
  settled(): Promise<void>;
}

/** The event an EventBridge schedule rule delivers. */
export function scheduledEvent(rule: string, region: string, now = new Date()): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: LOCAL_ACCOUNT_ID,
    time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [`arn:aws:events:${region}:${LOCAL_ACCOUNT_ID}:rule/${rule}`],
    detail: {},
  };
}

/**
 * Runs each schedule every `everyMs`, as EventBridge would, except that a run still under way is not
 * started again: locally one poller at a time is enough, and it fans out under backlog by itself.
 */
export function startScheduler(schedules: readonly Schedule[], log: (line: string) => void): Scheduler {
  const running = new Map<string, Promise<void>>();
  let stopped = false;
  const tick = (s: Schedule) => {
    if (stopped || running.has(s.name)) return;
    const run = s
      .run()
      .then(
        () => undefined,
        (error: unknown) => log(`[scheduler] ${s.name} failed: ${(error as Error)?.message ?? String(error)}`),
      )
      .finally(() => running.delete(s.name));
    running.set(s.name, run);
  };
  const timers = schedules.map((s) => {
    if (s.immediately) tick(s);
    return setInterval(() => tick(s), s.everyMs);
  });
  return {
    stop() {
      stopped = true;
      for (const t of timers) clearInterval(t);
    },
    async settled() {
      while (running.size > 0) await Promise.allSettled([...running.values()]);
    },
  };
}
