/**
 * Lambda's invocation quotas (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
 * "6 MB" is 6 MiB for requests and 6 MiB + 100 bytes for responses, as measured against the service.
 */
export const SYNC_REQUEST_LIMIT_BYTES = 6 * 1024 * 1024;
export const SYNC_RESPONSE_LIMIT_BYTES = 6 * 1024 * 1024 + 100;

/**
 * 256 KB, the async limit for years and the queue's own default payload cap. AWS raised the real limit to
 * 1 MB in October 2025; staying at 256 KB keeps local runs at least as strict as any deployed region.
 */
export const ASYNC_REQUEST_LIMIT_BYTES = 256 * 1024;

/** Lambda's own defaults when none is set are 3 s and 128 MB; these suit local pipelines better. */
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MEMORY_MB = 512;

/** Account id in locally built ARNs, the one LocalStack and SAM use too. */
export const LOCAL_ACCOUNT_ID = '000000000000';
