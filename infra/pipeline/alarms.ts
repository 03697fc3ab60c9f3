import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { HealthMetrics } from '../../shared/jobs/health';
import type { Settings } from '../settings';

export interface QueueAlarmsProps {
  readonly settings: Settings;
  readonly topic: sns.ITopic;
  /** The Redis key namespace the health metrics are dimensioned by. */
  readonly queueNamespace: string;
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
}

/**
 * Alarms to the topic: dead letters waiting, the oldest waiting job too old (or no health data at all —
 * then no poller is running), and errors of any function. The queue figures are the EMF health metrics
 * the poller and the dead-letter sweep log (shared/jobs/health.ts).
 */
export class QueueAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly action: actions.SnsAction;

  constructor(scope: Construct, id: string, props: QueueAlarmsProps) {
    super(scope, id);
    this.action = new actions.SnsAction(props.topic);
    const { settings } = props;
    const health = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: HealthMetrics.namespace,
        metricName,
        dimensionsMap: { [HealthMetrics.dimension]: props.queueNamespace },
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.minutes(5),
      });
    this.add(
      'DeadLetters',
      health(HealthMetrics.deadLetters),
      settings.alarmDeadLetters,
      cloudwatch.TreatMissingData.NOT_BREACHING,
      `Jobs in the dead-letter queue (tq-${settings.environment}): look at GET /admin/dlq, then requeue or purge.`,
    );
    // Missing data breaches: the poller logs this every run, so silence means no poller is running.
    this.add(
      'OldestJob',
      health(HealthMetrics.oldestJobAge),
      settings.alarmOldestJobSeconds,
      cloudwatch.TreatMissingData.BREACHING,
      `The oldest waiting job is older than ${settings.alarmOldestJobSeconds} s (tq-${settings.environment}), or no poller reported for 5 minutes.`,
    );
    for (const [name, fn] of Object.entries(props.functions)) {
      this.add(
        `${name}Errors`,
        fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        1,
        cloudwatch.TreatMissingData.NOT_BREACHING,
        `Errors of the ${name} function (tq-${settings.environment}).`,
      );
    }
  }

  private add(
    id: string,
    metric: cloudwatch.IMetric,
    threshold: number,
    treatMissingData: cloudwatch.TreatMissingData,
    description: string,
  ): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      treatMissingData,
      alarmDescription: description,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    alarm.addAlarmAction(this.action);
    this.alarms.push(alarm);
  }
}
