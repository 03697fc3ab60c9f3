import type { FunctionName } from '../../../shared/config/functions';

/** Local function names, as the stack names them per environment (`tq-<env>-<function>`). */
export const LOCAL_FUNCTIONS: Readonly<Record<FunctionName, string>> = {
  enqueue: 'tq-local-enqueue',
  'worker-poller': 'tq-local-worker-poller',
  admin: 'tq-local-admin',
  dlq: 'tq-local-dlq',
};

/** An example processor target: jobs of type `echo` run in this function (JOB_TARGETS), through the Invoke API. */
export const ECHO_FUNCTION = 'tq-local-echo';

/**
 * The access key id the local Invoke API accepts signatures from; the secret is the admin token. The
 * pipeline's own functions get the pair as Lambda gives a function its role's (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY), and anyone holding the token can sign with it too: nobody else can invoke.
 */
export const LOCAL_INVOKE_KEY_ID = 'TQLOCALINVOKE';
