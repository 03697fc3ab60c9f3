/**
 * Posts one body with OtlpHttpClient from a process of its own (argv: URL), printing `ok` or the error's
 * code: so a test can start it with NODE_EXTRA_CA_CERTS naming a certificate it made.
 */
import { OtlpHttpClient } from '../../shared/tracing/otlp-http/client';

const client = new OtlpHttpClient(new URL(process.argv[2]!), {});
client
  .post(new Uint8Array([1, 2, 3]), 5000)
  .then(
    () => console.log('ok'),
    (error: unknown) => console.log((error as { code?: string }).code ?? String(error)),
  )
  .finally(() => client.close());
