import { RandomIdGenerator, type IdGenerator } from '@opentelemetry/sdk-trace';

/**
 * Trace ids in AWS X-Ray's shape: the first 8 hex digits are the start time in epoch seconds (X-Ray
 * rejects ids that are not), the other 24 random; span ids are plain random. Also valid W3C ids. Our own
 * because `@opentelemetry/id-generator-aws-xray` has no release for SDK 3 (it depends on SDK 2's
 * sdk-trace-base); the random part comes from the SDK's own generator.
 */
export class XRayIdGenerator implements IdGenerator {
  private readonly random = new RandomIdGenerator();

  constructor(private readonly clock: () => number = () => Date.now()) {}

  generateTraceId(): string {
    const seconds = Math.floor(this.clock() / 1000) >>> 0;
    return seconds.toString(16).padStart(8, '0') + this.random.generateTraceId().slice(8);
  }

  generateSpanId(): string {
    return this.random.generateSpanId();
  }
}
