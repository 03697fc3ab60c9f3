import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@smithy/core/checksum';
import { sameSecret } from '../http';
import { InvokeApiError } from './errors';

/** The one key pair the local Invoke API accepts signatures from. */
export interface InvokeCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/\s]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
/** As AWS: a signature more than 5 minutes from the server's clock is refused (no replay later on). */
const MAX_SKEW_MS = 5 * 60_000;

const denied = (
  code:
    'MissingAuthenticationTokenException' | 'UnrecognizedClientException' | 'InvalidSignatureException' | 'IncompleteSignatureException',
  message: string,
) => new InvokeApiError(403, code, message);

/**
 * Checks an Invoke request's SigV4 signature (service `lambda`) as Lambda does: the key id must be ours,
 * the signature must be the one our secret gives for this method, path, query, signed headers and body,
 * made within 5 minutes of `now`. Written here rather than taken from a library: the signer
 * (@smithy/signature-v4) only signs, so the check re-signs what was received and compares. Throws an
 * InvokeApiError (403) naming what is wrong.
 */
export async function verifyInvokeSignature(
  req: IncomingMessage,
  body: Buffer,
  credentials: InvokeCredentials,
  now: number = Date.now(),
): Promise<void> {
  const authorization = req.headers.authorization;
  if (!authorization) throw denied('MissingAuthenticationTokenException', 'Missing Authentication Token');
  const match = AUTHORIZATION.exec(authorization);
  if (!match)
    throw denied(
      'IncompleteSignatureException',
      'Authorization header requires a AWS4-HMAC-SHA256 Credential, SignedHeaders and Signature.',
    );
  const [, accessKeyId, , region, service, signedList, signature] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (!sameSecret(accessKeyId, credentials.accessKeyId))
    throw denied('UnrecognizedClientException', 'The security token included in the request is invalid.');
  if (service !== 'lambda') throw denied('InvalidSignatureException', `Credential should be scoped to correct service: 'lambda'.`);
  const amzDate = typeof req.headers['x-amz-date'] === 'string' ? AMZ_DATE.exec(req.headers['x-amz-date']) : null;
  if (!amzDate) throw denied('IncompleteSignatureException', 'X-Amz-Date is required and must be YYYYMMDDTHHMMSSZ.');
  const [, y, mo, d, h, mi, s] = amzDate.map(Number) as [number, number, number, number, number, number, number];
  const signedAt = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (Math.abs(now - signedAt.getTime()) > MAX_SKEW_MS)
    throw denied('InvalidSignatureException', 'Signature expired: the request was signed more than 5 minutes from now.');

  const signed = signedList.split(';');
  if (!signed.includes('host')) throw denied('IncompleteSignatureException', 'The host header must be signed.');
  const headers: Record<string, string> = {};
  for (const name of signed) {
    const value = req.headers[name];
    if (value === undefined) throw denied('InvalidSignatureException', `The signed header ${name} is missing.`);
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  // The signer takes a declared payload hash as given: the body it stands for must really have it.
  const declared = headers['x-amz-content-sha256'];
  if (declared !== undefined && !sameSecret(declared, createHash('sha256').update(body).digest('hex'))) {
    throw denied('InvalidSignatureException', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const target = req.url ?? '/';
  const q = target.indexOf('?');
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(q < 0 ? '' : target.slice(q + 1))) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const signer = new SignatureV4({
    service,
    region,
    credentials,
    sha256: Sha256,
    // Only what the client signed: the signer would otherwise add and sign x-amz-content-sha256 itself.
    applyChecksum: signed.includes('x-amz-content-sha256'),
  });
  const expected = await signer.sign(
    {
      method: req.method ?? 'POST',
      protocol: 'http:',
      hostname: headers.host!,
      path: q < 0 ? target : target.slice(0, q),
      query,
      headers,
      body,
    },
    { signingDate: signedAt, signableHeaders: new Set(signed) },
  );
  const ours = /Signature=([0-9a-f]{64})$/.exec(String(expected.headers.authorization))?.[1] ?? '';
  if (!sameSecret(ours, signature)) {
    throw denied('InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.');
  }
}
