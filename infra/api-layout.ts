/**
 * The REST API's resources: what infra/pipeline/api.ts deploys and what the local gateway
 * (tools/local/gateway) serves, so the two cannot drift. Each function routes methods within its
 * resources itself (shared/http/routing.ts), behind this layout or a single greedy one.
 */
export interface ApiResource {
  /** API Gateway resource template; `{proxy+}` catches the rest of the path. */
  readonly resource: string;
  readonly method: 'POST' | 'GET' | 'DELETE' | 'ANY';
  readonly fn: 'enqueue' | 'admin';
  /** `jobs`: as `-c jobsAuth` says (IAM or an API key); `iam`: IAM only, always. */
  readonly auth: 'jobs' | 'iam';
  /** The body model API Gateway validates against (shared/jobs/schema.ts). */
  readonly body?: 'job' | 'batch';
}

export const API_RESOURCES: readonly ApiResource[] = [
  { resource: '/jobs', method: 'POST', fn: 'enqueue', auth: 'jobs', body: 'job' },
  { resource: '/jobs/batch', method: 'POST', fn: 'enqueue', auth: 'jobs', body: 'batch' },
  // A producer reads and cancels its jobs with the authorization it enqueues them with.
  { resource: '/jobs/{id}', method: 'GET', fn: 'enqueue', auth: 'jobs' },
  { resource: '/jobs/{id}', method: 'DELETE', fn: 'enqueue', auth: 'jobs' },
  { resource: '/admin/{proxy+}', method: 'ANY', fn: 'admin', auth: 'iam' },
];
