import { JOB_ID_PATTERN, JobIdGenerator, jobIdTime, newJobId } from '../../shared/queue';

// Any fixed instant: a generator is given its clock, so nothing here depends on when the test runs.
const T = 1_700_000_000_123;

/** A random source that counts: every fill is distinct and known. */
function countingRandom() {
  let n = 0;
  return (bytes: Uint8Array) => {
    n++;
    bytes.fill(0);
    bytes[bytes.length - 1] = n;
  };
}

describe('job ids', () => {
  it('are unique and sort in creation order, even within one millisecond', () => {
    const ids = new JobIdGenerator();
    const made = Array.from({ length: 20_000 }, (_, i) => ids.next(T + Math.floor(i / 1000)));
    expect(new Set(made).size).toBe(made.length);
    expect([...made].sort()).toEqual(made);
    expect(made.every((id) => JOB_ID_PATTERN.test(id))).toBe(true);
  });

  it('carry their creation time', () => {
    const ids = new JobIdGenerator();
    expect(jobIdTime(ids.next(T))).toBe(T);
    expect(jobIdTime(ids.next(T + 60_000))).toBe(T + 60_000);
    expect(jobIdTime(ids.next(0))).toBe(60_000 + T); // earlier than the last: clamped, see below
  });

  it('stay ordered when the clock steps back, keeping the later time', () => {
    const ids = new JobIdGenerator(countingRandom());
    const first = ids.next(T);
    const second = ids.next(T - 5000);
    expect(second > first).toBe(true);
    expect(jobIdTime(second)).toBe(T);
    // The random part of the first id plus one, not a fresh draw.
    expect(second.slice(0, 25)).toBe(first.slice(0, 25));
    expect(second.at(-1)).toBe('2');
  });

  it('draw a fresh random part for each new millisecond', () => {
    const ids = new JobIdGenerator(countingRandom());
    expect(ids.next(T).at(-1)).toBe('1');
    expect(ids.next(T + 1).at(-1)).toBe('2');
    expect(ids.next(T + 1).at(-1)).toBe('3'); // same millisecond: incremented
  });

  it('carry the increment across random bytes', () => {
    const ids = new JobIdGenerator((bytes) => bytes.fill(0xff, 0).fill(0, 0, 1));
    const first = ids.next(T); // random part 00 ff ff … ff
    const second = ids.next(T);
    expect(second > first).toBe(true);
    expect(second.slice(10)).toBe('0400000000000000'); // 01 00 … 00 = 1 << 72: the second 5-bit group holds 00100
  });

  it('use the current time when none is given', () => {
    vi.useFakeTimers({ now: T, toFake: ['Date'] });
    try {
      expect(jobIdTime(newJobId())).toBeGreaterThanOrEqual(T); // the shared generator may have seen later ids
    } finally {
      vi.useRealTimers();
    }
  });
});
