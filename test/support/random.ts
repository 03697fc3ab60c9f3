/**
 * A small deterministic generator (a 32-bit LCG in integer arithmetic), so a randomized test fails the
 * same way every run. Returns numbers in [0, 1).
 */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) / 2 ** 24;
  };
}

/** A string of up to `maxLength` characters of `alphabet`. */
export function randomString(rand: () => number, alphabet: string, maxLength: number): string {
  const pick = () => alphabet[Math.floor(rand() * alphabet.length)] ?? '';
  return Array.from({ length: Math.floor(rand() * (maxLength + 1)) }, pick).join('');
}
