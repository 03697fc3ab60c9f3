import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { signedHeaders, regionOfApiHost } from '../../tools/cli/sigv4';
import { resolveTarget, UsageError } from '../../tools/cli/target';
import { thrownBy } from '../support/errors';

describe('queue-admin: where requests go and how they are signed', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('signs requests to a deployed API with SigV4 for execute-api, credentials from the standard chain', async () => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'session-token' });
    const url = new URL('https://abc123.execute-api.eu-west-1.amazonaws.com/prod/admin/stats?count=5');
    const headers = await signedHeaders({ method: 'GET', url, headers: { accept: 'application/json' } }, 'eu-west-1');
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(headers['x-amz-security-token']).toBe('session-token');
    expect(headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
  });

  it('without AWS credentials, says so in one line and exits 1, sending nothing', async () => {
    const cli = join(import.meta.dirname, '..', '..', 'tools', 'cli', 'queue-admin.mjs');
    // No credentials anywhere: no variables, a home with no ~/.aws, no instance metadata to ask.
    const env = { PATH: process.env.PATH, HOME: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true' };
    const result = await promisify(execFile)(
      process.execPath,
      [cli, 'stats', '--url', 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod'],
      {
        env,
      },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'queue-admin: no AWS credentials to sign the request with (SigV4, as the API requires): set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    ]);
  });

  it('takes the region from the API URL, and refuses plaintext to anything off this machine', () => {
    expect(regionOfApiHost('abc123.execute-api.eu-west-1.amazonaws.com')).toBe('eu-west-1');
    expect(resolveTarget({ url: 'https://abc123.execute-api.ap-south-1.amazonaws.com/prod' }, { HOME: '/nonexistent' })).toMatchObject({
      kind: 'aws',
      region: 'ap-south-1',
    });
    expect(thrownBy(() => resolveTarget({ url: 'http://api.example.com/prod' }, { HOME: '/nonexistent' }), UsageError).message).toMatch(
      /must be https/,
    );
    expect(thrownBy(() => resolveTarget({ url: 'https://api.example.com/prod' }, { HOME: '/nonexistent' }), UsageError).message).toMatch(
      /--region/,
    );
  });

  it('needs a token for the local pipeline, and says how to get one', () => {
    expect(thrownBy(() => resolveTarget({ url: 'http://127.0.0.1:3000' }, { HOME: '/nonexistent' }), UsageError).message).toMatch(
      /QUEUE_ADMIN_TOKEN/,
    );
    expect(resolveTarget({ url: 'http://127.0.0.1:3000' }, { HOME: '/nonexistent', QUEUE_ADMIN_TOKEN: 't0k' })).toMatchObject({
      kind: 'local',
      token: 't0k',
    });
    expect(thrownBy(() => resolveTarget({}, { HOME: '/nonexistent' }), UsageError).message).toMatch(/npm start/);
  });
});
