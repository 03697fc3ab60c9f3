export { LocalFunctionConfigError } from './errors';
export { ASYNC_REQUEST_LIMIT_BYTES, SYNC_REQUEST_LIMIT_BYTES, SYNC_RESPONSE_LIMIT_BYTES } from './limits';
export { startLambdaInvokeServer } from './server';
export type * from './types';
export { createLambdaInvokeApi, type InProcessInvoke, type LambdaInvokeApi } from './api';
export type { Outcome } from './run-handler';
