import type { MiddlewareObj, Request } from '@middy/core';
import { MethodNotAllowedError } from '../http/routing';
import { errorResponse } from '../http/responses';
import { errorFields, log } from '../log';

/**
 * The one error path of every HTTP function, in middy's shape: whatever the handler throws becomes its
 * answer — a typed refusal a 4xx with the field at fault (the error is handled: the invocation did its
 * job), anything else a 500/503 that says nothing about the inside, logged once, and left on the request
 * so the tracing middleware records it on the invocation span.
 */
export function httpErrors(options: { readonly name: string }): MiddlewareObj {
  return {
    onError: (request: Request) => {
      const error = request.error;
      const response = errorResponse(error);
      if (error instanceof MethodNotAllowedError) response.headers = { ...response.headers, Allow: error.allow.join(', ') };
      if (response.statusCode < 500) request.error = undefined;
      else log('error', `${options.name} request failed`, errorFields(error));
      request.response = response;
    },
  };
}
