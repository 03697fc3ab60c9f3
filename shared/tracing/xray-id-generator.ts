import type { IdGenerator } from '@opentelemetry/sdk-trace';
import { randomHex } from './random-ids';

/**
 * Trace ids in AWS X-Ray's shape: the first 8 hex digits are the start time in epoch seconds (X-Ray
 * rejects ids that are not), the other 24 random; span ids are plain random. Also valid W3C ids. Our own
 * because `@opentelemetry/id-generator-aws-xray` has no release for SDK 3 (it depends on SDK 2's
 * sdk-trace-base); the random part comes from `randomHex`.
 */
export class XRayIdGenerator implements IdGenerator {
  constructor(private readonly clock: () => number = () => Date.now()) {}

  generateTraceId(): string {
    const seconds = Math.floor(this.clock() / 1000) >>> 0;
    return seconds.toString(16).padStart(8, '0') + randomHex(24);
  }

  generateSpanId(): string {
    return randomHex(16);
  }
}
