import { randomBytes } from 'node:crypto';
import type { IdGenerator } from '@opentelemetry/sdk-trace';

const POOL_BYTES = 4096;

/**
 * Random hex from a pool filled by the CSPRNG 4 KiB at a time: an id is a slice of it. The SDK's
 * RandomIdGenerator writes Math.random() into a buffer and hex-encodes it per id, a measurable share of an
 * unsampled root span (two ids per root: trace and span); this is unpredictable as well as cheaper.
 */
class HexPool {
  private pool = '';
  private at = 0;

  take(chars: number): string {
    if (this.at + chars > this.pool.length) {
      this.pool = randomBytes(POOL_BYTES).toString('hex');
      this.at = 0;
    }
    const hex = this.pool.slice(this.at, (this.at += chars));
    // All zeros is the invalid id (a 2^-64 chance for a span id): draw again.
    return hex.charCodeAt(0) === 48 && /^0+$/.test(hex) ? this.take(chars) : hex;
  }
}

const pool = new HexPool();

/** `chars` random lowercase hex digits, never all zeros. */
export const randomHex = (chars: number): string => pool.take(chars);

/** W3C trace (32 hex digits) and span (16) ids, random. */
export class RandomIds implements IdGenerator {
  generateTraceId(): string {
    return randomHex(32);
  }

  generateSpanId(): string {
    return randomHex(16);
  }
}
