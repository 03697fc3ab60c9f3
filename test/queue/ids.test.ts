import { JOB_ID_PATTERN, jobIdTime, newJobId } from '../../shared/queue';

describe('job ids', () => {
  it('are unique and sort in creation order, even within one millisecond', () => {
    const ids = Array.from({ length: 20_000 }, () => newJobId());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(ids.every((id) => JOB_ID_PATTERN.test(id))).toBe(true);
  });

  it('carry their creation time', () => {
    const t = Date.UTC(2026, 10, 24, 12, 0, 0, 123);
    expect(jobIdTime(newJobId(t + 60_000))).toBe(t + 60_000);
  });

  it('stay ordered when the clock steps back', () => {
    const now = Date.now() + 120_000;
    const first = newJobId(now);
    const second = newJobId(now - 5000);
    expect(second > first).toBe(true);
  });
});
