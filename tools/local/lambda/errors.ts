/**
 * An Invoke API error as Lambda sends it: HTTP status, `x-amzn-ErrorType` header and a `{"Type", message}`
 * body. The SDK picks the exception class from the header, so `code` must be a modelled shape name.
 */
export class InvokeApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: InvokeApiErrorCode,
    message: string,
    // Lambda's model spells this member `Message` for some exceptions and `message` for others.
    private readonly messageKey: 'message' | 'Message' = 'message',
  ) {
    super(message);
    this.name = code;
  }

  get body(): string {
    return JSON.stringify({ Type: 'User', [this.messageKey]: this.message });
  }

  static functionNotFound(arn: string): InvokeApiError {
    return new InvokeApiError(404, 'ResourceNotFoundException', `Function not found: ${arn}`, 'Message');
  }

  /** Same wording as the service (older responses name the code `RequestEntityTooLargeException`). */
  static requestTooLarge(limit: number): InvokeApiError {
    return new InvokeApiError(
      413,
      'RequestTooLargeException',
      `Request must be smaller than ${limit} bytes for the InvokeFunction operation`,
    );
  }

  static invalidPayload(detail: string): InvokeApiError {
    return new InvokeApiError(400, 'InvalidRequestContentException', `Could not parse request body into json: ${detail}`);
  }

  static invalidClientContext(): InvokeApiError {
    return new InvokeApiError(400, 'InvalidRequestContentException', 'Client context must be a valid Base64-encoded JSON object.');
  }

  static invalidParameter(name: string, value: string, constraint: string): InvokeApiError {
    return new InvokeApiError(
      400,
      'ValidationException',
      `1 validation error detected: Value '${value}' at '${name}' failed to satisfy constraint: ${constraint}`,
    );
  }

  static unknownOperation(method: string, path: string): InvokeApiError {
    return new InvokeApiError(
      404,
      'UnknownOperationException',
      `No operation at ${method} ${path}; this server only serves Invoke (POST /2015-03-31/functions/{FunctionName}/invocations)`,
    );
  }

  static methodNotAllowed(method: string): InvokeApiError {
    return new InvokeApiError(405, 'MethodNotAllowedException', `Invoke takes POST, not ${method}`);
  }
}

export type InvokeApiErrorCode =
  | 'ResourceNotFoundException'
  | 'MissingAuthenticationTokenException'
  | 'UnrecognizedClientException'
  | 'InvalidSignatureException'
  | 'IncompleteSignatureException'
  | 'RequestTooLargeException'
  | 'InvalidRequestContentException'
  | 'ValidationException'
  | 'UnknownOperationException'
  | 'MethodNotAllowedException';

/** `register()` was given a function Lambda would not accept. */
export class LocalFunctionConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = new.target.name;
  }
}
