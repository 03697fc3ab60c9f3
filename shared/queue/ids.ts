import { randomFillSync } from 'node:crypto';

/**
 * Job ids: 26-character ULIDs (48-bit millisecond time + 80 random bits, Crockford base32). They sort by
 * creation time as plain strings, and ids made in the same millisecond by one process stay ordered
 * (the random part is incremented), so FIFO order and id order agree within a producer.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const JOB_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

const random = new Uint8Array(10);
let lastTime = -1;

function encodeTime(ms: number): string {
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[ms % 32] + out;
    ms = Math.floor(ms / 32);
  }
  return out;
}

/** 80 random bits as 16 base32 characters (5 bits each, big-endian). */
function encodeRandom(bytes: Uint8Array): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const byte of bytes) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  return out;
}

function incrementRandom(): void {
  for (let i = random.length - 1; i >= 0; i--) {
    random[i] = (random[i]! + 1) & 0xff;
    if (random[i] !== 0) return;
  }
}

export function newJobId(now: number = Date.now()): string {
  if (now <= lastTime) {
    incrementRandom();
    now = lastTime;
  } else {
    randomFillSync(random);
    lastTime = now;
  }
  return encodeTime(now) + encodeRandom(random);
}

/** Creation time (ms) encoded in a job id. */
export function jobIdTime(id: string): number {
  let ms = 0;
  for (let i = 0; i < 10; i++) ms = ms * 32 + ALPHABET.indexOf(id[i]!);
  return ms;
}
