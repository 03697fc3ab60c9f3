import {
  InvalidRequestContentException,
  InvokeCommand,
  LambdaClient,
  RequestTooLargeException,
  ResourceNotFoundException,
  type InvokeCommandInput,
} from '@aws-sdk/client-lambda';
import {
  ASYNC_REQUEST_LIMIT_BYTES,
  createLambdaInvokeApi,
  LocalFunctionConfigError,
  SYNC_REQUEST_LIMIT_BYTES,
  startLambdaInvokeServer,
  type LambdaContextLike,
  type LambdaInvokeServer,
  type LocalFunction,
} from '../../tools/local/lambda';

const ARN_PREFIX = 'arn:aws:lambda:us-east-1:000000000000:function:';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const decode = (payload: Uint8Array | undefined) => JSON.parse(Buffer.from(payload ?? []).toString('utf8'));
const base64Json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

class ValidationFailed extends Error {
  override name = 'ValidationFailed';
}

const newClient = (endpoint: string) =>
  new LambdaClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });

async function withEnv<T>(vars: Record<string, string>, act: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]]));
  Object.assign(process.env, vars);
  try {
    return await act();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** A promise the test resolves by hand, to hold a handler mid-flight. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('Local Lambda Invoke server, through @aws-sdk/client-lambda', () => {
  let server: LambdaInvokeServer;
  let client: LambdaClient;
  const logs: string[] = [];
  const contexts: LambdaContextLike[] = [];
  const fn = (name: string, handler: LocalFunction['handler'], extra: Partial<LocalFunction> = {}): LocalFunction => ({
    name,
    handler,
    ...extra,
  });
  const invoke = (input: Omit<InvokeCommandInput, 'FunctionName'> & { FunctionName?: string }) =>
    client.send(new InvokeCommand({ FunctionName: 'echo', ...input }));

  beforeAll(async () => {
    server = await startLambdaInvokeServer({
      log: (line) => logs.push(line),
      functions: [
        fn('echo', async (event, context) => (contexts.push(context), { received: event })),
        fn('nothing', async () => undefined),
        fn('size', async (event) => String(event).length),
      ],
    });
    client = newClient(server.url);
  });

  afterAll(async () => {
    client.destroy();
    await server.stop();
  });

  beforeEach(() => {
    logs.length = 0;
    contexts.length = 0;
  });

  it("returns the handler's value as the RequestResponse payload", async () => {
    const out = await invoke({ Payload: json({ n: 1 }) });
    expect(out).toMatchObject({ StatusCode: 200, ExecutedVersion: '$LATEST' });
    expect(out.FunctionError).toBeUndefined();
    expect(decode(out.Payload)).toEqual({ received: { n: 1 } });
    expect(decode((await invoke({ FunctionName: 'nothing' })).Payload)).toBeNull();
  });

  it('gives the handler a Lambda-shaped context for this invocation', async () => {
    server.register(fn('ctx', async (_event, context) => void contexts.push(context), { memoryMb: 256 }));
    const first = await invoke({ FunctionName: 'ctx' });
    const second = await invoke({ FunctionName: 'ctx' });
    const [a, b] = contexts;
    expect(a).toMatchObject({
      awsRequestId: first.$metadata.requestId,
      functionName: 'ctx',
      functionVersion: '$LATEST',
      invokedFunctionArn: `${ARN_PREFIX}ctx`,
      memoryLimitInMB: '256',
      logGroupName: '/aws/lambda/ctx',
      identity: undefined,
      clientContext: undefined,
    });
    // What nodejs24.x removed with callback handlers is absent, as there.
    for (const removed of ['callbackWaitsForEmptyEventLoop', 'done', 'fail', 'succeed']) expect(a).not.toHaveProperty(removed);
    expect(a!.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(b!.awsRequestId).toBe(second.$metadata.requestId);
    expect(b!.awsRequestId).not.toBe(a!.awsRequestId);
  });

  it('counts getRemainingTimeInMillis down from the configured timeout', async () => {
    const readings: number[] = [];
    server.register(
      fn(
        'clock',
        async (_event, context) => {
          readings.push(context.getRemainingTimeInMillis());
          await sleep(100);
          readings.push(context.getRemainingTimeInMillis());
        },
        { timeoutMs: 5000 },
      ),
    );
    await invoke({ FunctionName: 'clock' });
    expect(readings[0]).toBeLessThanOrEqual(5000);
    expect(readings[0]).toBeGreaterThan(4500);
    expect(readings[0]! - readings[1]!).toBeGreaterThanOrEqual(90);
  });

  it("decodes the SDK's ClientContext into context.clientContext and rejects one that is not base64 JSON", async () => {
    const clientContext = { client: { appTitle: 'tests' }, custom: { tenant: 'acme' }, env: { locale: 'en' } };
    await invoke({ ClientContext: base64Json(clientContext) });
    expect(contexts[0]!.clientContext).toEqual(clientContext);
    await expect(invoke({ ClientContext: 'not json' })).rejects.toBeInstanceOf(InvalidRequestContentException);
  });

  it('reports a thrown error as an Unhandled function error with type, message and trace', async () => {
    server.register(
      fn('throws', async () => {
        throw new ValidationFailed('order 7 has no lines');
      }),
    );
    const out = await invoke({ FunctionName: 'throws' });
    expect(out).toMatchObject({ StatusCode: 200, FunctionError: 'Unhandled' });
    const body = decode(out.Payload);
    expect(body).toMatchObject({ errorType: 'ValidationFailed', errorMessage: 'order 7 has no lines' });
    expect(body.trace[0]).toBe('ValidationFailed: order 7 has no lines');
  });

  it('survives handlers that throw synchronously or return a plain value', async () => {
    server.register(
      fn('sync-throw', (() => {
        throw new TypeError('not async');
      }) as LocalFunction['handler']),
    );
    server.register(fn('plain', (() => 42) as unknown as LocalFunction['handler']));
    expect(decode((await invoke({ FunctionName: 'sync-throw' })).Payload)).toMatchObject({
      errorType: 'TypeError',
      errorMessage: 'not async',
    });
    expect(decode((await invoke({ FunctionName: 'plain' })).Payload)).toBe(42);
  });

  it('answers with a timeout error at the configured timeout, without waiting for the handler', async () => {
    server.register(fn('slow', () => sleep(1500).then(() => 'too late'), { timeoutMs: 300 }));
    const started = Date.now();
    const out = await invoke({ FunctionName: 'slow' });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1000);
    expect(out.FunctionError).toBe('Unhandled');
    expect(decode(out.Payload)).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: expect.stringMatching(/^RequestId: \S+ Error: Task timed out after 0\.30 seconds$/),
    });
  });

  it('answers an Event invocation with 202 before the handler finishes, then runs it', async () => {
    const release = gate();
    const done: unknown[] = [];
    server.register(
      fn('background', async (event) => {
        await release.opened;
        done.push(event);
      }),
    );
    const out = await invoke({ FunctionName: 'background', InvocationType: 'Event', Payload: json({ job: 1 }) });
    expect(out.StatusCode).toBe(202);
    expect(out.Payload?.length ?? 0).toBe(0);
    expect(done).toEqual([]);
    release.open();
    await server.idle();
    expect(done).toEqual([{ job: 1 }]);
  });

  it('logs a failed Event invocation instead of retrying it', async () => {
    server.register(
      fn('background-fails', async () => {
        throw new ValidationFailed('bad job');
      }),
    );
    await invoke({ FunctionName: 'background-fails', InvocationType: 'Event' });
    await server.idle();
    expect(logs).toEqual([expect.stringContaining('background-fails')]);
    expect(logs[0]).toContain('ValidationFailed: bad job');
  });

  it('answers DryRun with 204 without running the handler', async () => {
    const out = await invoke({ InvocationType: 'DryRun', Payload: json({}) });
    expect(out.StatusCode).toBe(204);
    expect(contexts).toHaveLength(0);
  });

  it('raises ResourceNotFoundException naming the ARN of an unknown function', async () => {
    const error = await invoke({ FunctionName: 'missing' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error).toMatchObject({
      name: 'ResourceNotFoundException',
      message: `Function not found: ${ARN_PREFIX}missing`,
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('accepts payloads up to 6 MB synchronously and 256 KB as Event, and raises RequestTooLargeException beyond', async () => {
    const ofBytes = (n: number) => json('x'.repeat(n - 2)); // the quotes make up the rest
    expect(decode((await invoke({ FunctionName: 'size', Payload: ofBytes(SYNC_REQUEST_LIMIT_BYTES) })).Payload)).toBe(
      SYNC_REQUEST_LIMIT_BYTES - 2,
    );
    await expect(invoke({ FunctionName: 'size', Payload: ofBytes(SYNC_REQUEST_LIMIT_BYTES + 1) })).rejects.toMatchObject({
      name: 'RequestTooLargeException',
      $metadata: { httpStatusCode: 413 },
      message: expect.stringContaining(String(SYNC_REQUEST_LIMIT_BYTES)),
    });
    expect((await invoke({ FunctionName: 'size', InvocationType: 'Event', Payload: ofBytes(ASYNC_REQUEST_LIMIT_BYTES) })).StatusCode).toBe(
      202,
    );
    await expect(invoke({ InvocationType: 'Event', Payload: ofBytes(ASYNC_REQUEST_LIMIT_BYTES + 1) })).rejects.toBeInstanceOf(
      RequestTooLargeException,
    );
    await server.idle();
  });

  it('raises InvalidRequestContentException for a payload that is not JSON', async () => {
    const error = await invoke({ Payload: Buffer.from('{"n": 1') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestContentException);
    expect((error as Error).message).toMatch(/^Could not parse request body into json/);
  });

  it('raises a ValidationException for a malformed function name or invocation type', async () => {
    await expect(invoke({ FunctionName: 'no spaces' })).rejects.toMatchObject({
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(invoke({ InvocationType: 'Later' as 'Event' })).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('invokes by full ARN, partial ARN and qualified name, reporting the ARN used', async () => {
    await invoke({ FunctionName: 'arn:aws:lambda:eu-west-1:123456789012:function:echo' });
    await invoke({ FunctionName: '123456789012:function:echo' });
    await invoke({ FunctionName: 'echo', Qualifier: 'live' });
    expect(contexts.map((c) => [c.functionName, c.invokedFunctionArn])).toEqual([
      ['echo', 'arn:aws:lambda:eu-west-1:123456789012:function:echo'],
      ['echo', 'arn:aws:lambda:us-east-1:123456789012:function:echo'],
      ['echo', `${ARN_PREFIX}echo:live`],
    ]);
  });

  it('runs each invocation in the invoke store with its request id and the X-Amzn-Trace-Id the SDK sent', async () => {
    const seen: Array<{ requestId: string; trace: string | undefined }> = [];
    const store = () =>
      (globalThis as unknown as { awslambda: { InvokeStore: { getRequestId(): string; getXRayTraceId(): string | undefined } } }).awslambda
        .InvokeStore;
    server.register(fn('store', async () => void seen.push({ requestId: store().getRequestId(), trace: store().getXRayTraceId() })));
    const traceId = 'Root=1-6650f1a2-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1';
    // The SDK's recursion-detection middleware copies _X_AMZN_TRACE_ID into the header only inside Lambda.
    const first = await withEnv({ _X_AMZN_TRACE_ID: traceId, AWS_LAMBDA_FUNCTION_NAME: 'caller' }, () => invoke({ FunctionName: 'store' }));
    const second = await invoke({ FunctionName: 'store' });
    expect(seen).toEqual([
      { requestId: first.$metadata.requestId, trace: traceId },
      { requestId: second.$metadata.requestId, trace: undefined },
    ]);
  });

  it("cuts an invocation's remaining time to 0 when it stops, so long ones wind down", async () => {
    const api = createLambdaInvokeApi({ log: () => undefined });
    const readings: number[] = [];
    const running = gate();
    api.register(
      fn(
        'long',
        async (_event, context) => {
          readings.push(context.getRemainingTimeInMillis());
          running.open();
          while (context.getRemainingTimeInMillis() > 0) await sleep(10);
          readings.push(context.getRemainingTimeInMillis());
        },
        { timeoutMs: 60_000 },
      ),
    );
    await api.invoke('long', {}, { type: 'Event' });
    await running.opened;
    api.drain();
    await api.idle();
    expect(readings[0]).toBeGreaterThan(50_000);
    expect(readings[1]).toBe(0);
  });

  it('gives overlapping invocations separate contexts', async () => {
    const bothIn = gate();
    let arrived = 0;
    server.register(
      fn('overlap', async (_event, context) => {
        if (++arrived === 2) bothIn.open();
        await bothIn.opened;
        return { requestId: context.awsRequestId, caller: context.clientContext?.custom?.caller };
      }),
    );
    const calls = ['a', 'b'].map((caller) => invoke({ FunctionName: 'overlap', ClientContext: base64Json({ custom: { caller } }) }));
    const results = await Promise.all(calls);
    const bodies = results.map((r) => decode(r.Payload));
    expect(bodies.map((b) => b.caller)).toEqual(['a', 'b']);
    expect(bodies.map((b) => b.requestId)).toEqual(results.map((r) => r.$metadata.requestId));
  });

  it('rejects a registration Lambda would not accept, naming the field', () => {
    expect(() => server.register(fn('has space', async () => null))).toThrow(LocalFunctionConfigError);
    expect(() => server.register(fn('big', async () => null, { timeoutMs: 16 * 60_000 }))).toThrow(/timeoutMs/);
  });

  it('refuses a callback handler, as nodejs24.x does, and takes the middy handlers the functions export', async () => {
    const callbackStyle = (_event: unknown, _context: unknown, _callback: unknown) => undefined;
    expect(() => server.register(fn('callback', callbackStyle))).toThrow(/^handler: declares a callback parameter/);
    const { handler } = await import('../../functions/dlq/handler');
    expect(() => server.register(fn('middy', handler))).not.toThrow();
  });

  it('stops promptly with a keep-alive connection and an invocation still in flight', async () => {
    const local = await startLambdaInvokeServer({ functions: [fn('hangs', () => new Promise(() => undefined))] });
    const localClient = newClient(local.url);
    const inFlight = localClient.send(new InvokeCommand({ FunctionName: 'hangs' })).catch((e: unknown) => e);
    await sleep(50);
    const started = Date.now();
    await local.stop();
    expect(Date.now() - started).toBeLessThan(500);
    expect(await inFlight).toBeInstanceOf(Error);
    localClient.destroy();
  });
});
