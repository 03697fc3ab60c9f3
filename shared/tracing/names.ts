/**
 * Every span, attribute, event and metric name of the project, in one place, so traces look the same
 * from every function. docs/tracing-names.md is their reference (a test keeps it complete).
 */

export const SpanNames = {
  enqueue: 'queue.enqueue',
  dequeue: 'queue.dequeue',
  process: 'job.process',
  admin: (op: AdminOperation) => `admin.${op}` as const,
  /** A dead-lettered job requeued by the redrive policy. */
  redrive: 'dlq.redrive',
  /** A poller starting more pollers under backlog. */
  fanOut: 'poller.fan_out',
  /** A call to another Lambda function (a job's target, a fanned-out poller, the dlq function). */
  invoke: (functionName: string) => `invoke ${functionName}` as const,
  /** The dlq function publishing a dead-letter summary. */
  snsPublish: 'sns publish',
  /** A producer cancelling a waiting or delayed job: in the job's own trace, linked to the request. */
  cancel: 'queue.cancel',
} as const;

export type AdminOperation =
  'stats' | 'peek' | 'info' | 'purge' | 'requeue' | 'audit' | 'pause' | 'resume' | 'limits' | 'schedulers' | 'schedule' | 'unschedule';

export const Attr = {
  // queue.*
  queueName: 'queue.name',
  queuePriority: 'queue.priority',
  queueOperation: 'queue.operation',
  queueWaitTimeMs: 'queue.wait_time_ms',
  queueSource: 'queue.source',
  // job.*
  jobId: 'job.id',
  jobType: 'job.type',
  jobFilepath: 'job.filepath',
  jobFilesize: 'job.filesize',
  jobPriority: 'job.priority',
  jobRetries: 'job.retries',
  jobCreationTime: 'job.creation_time',
  /** A delayed job: the delay asked for (ms), or the time asked for (ISO 8601). */
  jobDelayMs: 'job.delay_ms',
  jobRunAt: 'job.run_at',
  // scheduler.* — a job made by a job scheduler: its name, the occurrence (ISO 8601), occurrences skipped
  schedulerName: 'scheduler.name',
  schedulerOccurrence: 'scheduler.occurrence',
  schedulerMissed: 'scheduler.missed',
  // A control held the queue's jobs back before this dequeue took one: which (paused, concurrency, rate), how long (ms)
  queueHeldBackReason: 'queue.held_back.reason',
  queueHeldBackMs: 'queue.held_back.duration_ms',
  workerId: 'worker.id',
  processingDurationMs: 'processing.duration_ms',
  processingSuccess: 'processing.success',
  // OpenTelemetry messaging semantic conventions, set beside ours
  messagingSystem: 'messaging.system',
  messagingOperationType: 'messaging.operation.type',
  messagingDestinationName: 'messaging.destination.name',
  messagingMessageId: 'messaging.message.id',
  // errors
  errorType: 'error.type',
  /** Why a span was recorded although its trace was not sampled (`failure`): see failure traces. */
  traceRecordedBecause: 'trace.recorded_because',
  /** The trace a failure trace stands in for (the job's own, unsampled). */
  traceOriginalId: 'trace.original_id',
} as const;

export const Events = {
  enqueueing: 'enqueueing_job',
  enqueued: 'job_enqueued',
  dequeuing: 'job_dequeuing',
  dequeued: 'job_dequeued',
  processingStarted: 'job.processing.started',
  processingCompleted: 'job.processing.completed',
  processingFailed: 'job.processing.failed',
  retrying: 'job.retrying',
  deadLettered: 'job.dead_lettered',
  /** A processor reported progress (attribute `progress`: the number, or the JSON value as text). */
  progress: 'job.progress',
  /** The job was cancelled before it ran (on the `queue.cancel` span). */
  cancelled: 'job.cancelled',
  /** A control started holding a queue's waiting jobs back from this poller (on the invocation span). */
  heldBack: 'queue.held_back',
} as const;

/** Attributes of those events. */
export const EventAttr = {
  attempt: 'attempt',
  attempts: 'attempts',
  duplicate: 'duplicate',
  failures: 'failures',
  reason: 'reason',
  retryAt: 'retry.at',
  errorMessage: 'error.message',
  progress: 'progress',
  /** The state a cancelled job was cancelled from (waiting, delayed). */
  from: 'from',
} as const;

export const MetricNames = {
  enqueueDuration: 'queue.enqueue.duration',
  dequeueDuration: 'queue.dequeue.duration',
  processDuration: 'job.process.duration',
  errors: 'job.errors',
  queueDepth: 'queue.depth',
} as const;

/** Attributes of the admin spans, beside the spec's `queue.*` and `job.*` ones. */
export const AdminAttr = {
  /** What a purge or requeue acted on: `queue:<name>`, `dlq`, `all`, `dlq:ids`, `dlq:all`. */
  target: 'admin.target',
  /** How many the caller asked for (peek, audit, requeue by ids). */
  requested: 'admin.requested',
  /** How many jobs (or records) the operation returned or affected. */
  count: 'admin.count',
  // stats totals and a job's state, at the moment of the request
  waiting: 'queue.waiting',
  active: 'queue.active',
  delayed: 'queue.delayed',
  dead: 'queue.dead',
  jobState: 'job.state',
} as const;

/** The invocation span: OpenTelemetry FaaS and HTTP semantic conventions. */
export const InvocationAttr = {
  trigger: 'faas.trigger',
  coldStart: 'faas.coldstart',
  invocationId: 'faas.invocation_id',
  accountId: 'cloud.account.id',
  httpMethod: 'http.request.method',
  httpRoute: 'http.route',
  urlPath: 'url.path',
  clientAddress: 'client.address',
  userAgent: 'user_agent.original',
  httpStatus: 'http.response.status_code',
  // a call out to another function
  invokedName: 'faas.invoked_name',
  invokedProvider: 'faas.invoked_provider',
  invocationType: 'aws.lambda.invocation_type',
} as const;

/** The worker-poller's fan-out and the dlq function's work. */
export const PollerAttr = {
  backlog: 'poller.backlog',
  fanOutCount: 'poller.fan_out.count',
  fanOutIndex: 'poller.fan_out.index',
} as const;

export const DlqAttr = {
  /** What kind of failure dead-lettered the job (error, timeout, unknown_type, …). */
  category: 'dlq.category',
  redriveCount: 'dlq.redrive.count',
  redriveMax: 'dlq.redrive.max',
  redriveDue: 'dlq.redrive.due',
} as const;

/** Metric dimensions that are not span attributes. */
export const MetricAttr = {
  /** How a processing attempt ended: succeeded, retried, dead or lease_lost. */
  outcome: 'outcome',
} as const;

/** Resource attribute for the deployment environment, written both ways the spec asks. */
export const ResourceAttr = {
  environment: 'environment',
  deploymentEnvironment: 'deployment.environment.name',
} as const;

/** The instrumentation scope every tracer and meter of the project uses. */
export const INSTRUMENTATION_SCOPE = 'traced-queue';
