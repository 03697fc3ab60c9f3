import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { FinalizeHandler, FinalizeHandlerArguments, MetadataBearer } from '@smithy/types';
import { startLambdaInvokeServer, type LambdaInvokeServer } from '../../tools/local/lambda';
import { rawRequest } from '../support/local-pipeline';

/*
 * The local Invoke API with credentials set: it serves only requests SigV4-signed with its key pair, as
 * Lambda serves only signed ones. Signed here by the real LambdaClient; the server's clock is the test's.
 */
const KEY = { accessKeyId: 'TESTKEY', secretAccessKey: 'test-secret-0123456789' };
let server: LambdaInvokeServer;
let skewMs = 0;
const calls: unknown[] = [];

beforeAll(async () => {
  server = await startLambdaInvokeServer({
    credentials: KEY,
    now: () => Date.now() + skewMs,
    functions: [{ name: 'echo', handler: async (event: unknown) => (calls.push(event), { got: event }) }],
    log: () => undefined,
  });
});
afterAll(() => server.stop());
beforeEach(() => {
  skewMs = 0;
  calls.length = 0;
});

function client(credentials = KEY, tamper?: (body: string) => string): LambdaClient {
  const c = new LambdaClient({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  if (tamper) {
    // After the signature is made: what a man in the middle would change.
    c.middlewareStack.addRelativeTo(
      (next: FinalizeHandler<object, MetadataBearer>) => async (args: FinalizeHandlerArguments<object>) => {
        const request = args.request as { body?: unknown };
        request.body = tamper(String(request.body));
        return next(args);
      },
      { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'tamper' },
    );
  }
  return c;
}

const invoke = (c: LambdaClient, payload: unknown = { n: 1 }) =>
  c.send(new InvokeCommand({ FunctionName: 'echo', Payload: JSON.stringify(payload) })).finally(() => c.destroy());

describe('Local Invoke API: SigV4', () => {
  it('runs a request signed with its key pair', async () => {
    const out = await invoke(client());
    expect(JSON.parse(Buffer.from(out.Payload!).toString())).toEqual({ got: { n: 1 } });
  });

  it('refuses another key id, a wrong secret and an altered body, running nothing', async () => {
    await expect(invoke(client({ accessKeyId: 'OTHER', secretAccessKey: KEY.secretAccessKey }))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
      $metadata: { httpStatusCode: 403 },
    });
    await expect(invoke(client({ accessKeyId: KEY.accessKeyId, secretAccessKey: 'guess' }))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      $metadata: { httpStatusCode: 403 },
    });
    await expect(invoke(client(KEY, (body) => body.replace('1', '2')))).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    expect(calls).toEqual([]);
  });

  it('refuses a signature made more than 5 minutes from its clock, either way', async () => {
    skewMs = 6 * 60_000;
    await expect(invoke(client())).rejects.toMatchObject({ name: 'InvalidSignatureException', message: expect.stringMatching(/expired/) });
    skewMs = -6 * 60_000;
    await expect(invoke(client())).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    skewMs = 4 * 60_000;
    await expect(invoke(client())).resolves.toMatchObject({ StatusCode: 200 });
  });

  it('refuses an unsigned or malformed request before saying whether the function exists', async () => {
    const host = new URL(server.url).host;
    for (const name of ['echo', 'no-such-function']) {
      const res = await rawRequest(server.url, {
        method: 'POST',
        path: `/2015-03-31/functions/${name}/invocations`,
        body: '{}',
        headers: { host },
      });
      expect([name, res.status, JSON.parse(res.body).message]).toEqual([name, 403, 'Missing Authentication Token']);
    }
    const malformed = await rawRequest(server.url, {
      method: 'POST',
      path: '/2015-03-31/functions/echo/invocations',
      body: '{}',
      headers: { host, authorization: 'Bearer x' },
    });
    expect(malformed.status).toBe(403);
    expect(calls).toEqual([]);
  });
});
