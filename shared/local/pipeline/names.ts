import type { FunctionName } from '../../config/functions';

/** Local function names, as the stack names them per environment (`tq-<env>-<function>`). */
export const LOCAL_FUNCTIONS: Readonly<Record<FunctionName, string>> = {
  enqueue: 'tq-local-enqueue',
  'worker-poller': 'tq-local-worker-poller',
  admin: 'tq-local-admin',
  dlq: 'tq-local-dlq',
};

/** An example processor target: jobs of type `echo` run in this function (JOB_TARGETS), through the Invoke API. */
export const ECHO_FUNCTION = 'tq-local-echo';
