import { writeRecord } from '../log';
import type { QueueStats } from '../queue';

/**
 * The queue's health as CloudWatch metrics, written as an Embedded Metric Format log line: Lambda's log
 * stream carries it to CloudWatch, so the alarms on it keep working when the telemetry pipeline they
 * watch (the collector, the OTLP endpoints) does not. The names are shared with the alarms in infra/.
 */
export const HealthMetrics = {
  namespace: 'TracedQueue',
  dimension: 'QueueNamespace',
  deadLetters: 'DeadLetters',
  oldestJobAge: 'OldestJobAgeSeconds',
  waiting: 'WaitingJobs',
} as const;

/** The EMF record of one snapshot: top-level values, and the `_aws` directive that makes them metrics. */
export function healthRecord(stats: QueueStats, namespace: string): Record<string, unknown> {
  const oldestMs = Math.max(0, ...stats.queues.map((q) => q.oldestAgeMs ?? 0));
  return {
    _aws: {
      Timestamp: stats.now,
      CloudWatchMetrics: [
        {
          Namespace: HealthMetrics.namespace,
          Dimensions: [[HealthMetrics.dimension]],
          Metrics: [
            { Name: HealthMetrics.deadLetters, Unit: 'Count' },
            { Name: HealthMetrics.oldestJobAge, Unit: 'Seconds' },
            { Name: HealthMetrics.waiting, Unit: 'Count' },
          ],
        },
      ],
    },
    [HealthMetrics.dimension]: namespace,
    [HealthMetrics.deadLetters]: stats.dead,
    [HealthMetrics.oldestJobAge]: Math.round(oldestMs / 1000),
    [HealthMetrics.waiting]: stats.totals.waiting,
  };
}

/** Writes the record to stdout, one line, where Lambda's log capture picks EMF up. */
export function logHealth(stats: QueueStats, namespace: string): void {
  writeRecord(healthRecord(stats, namespace));
}
