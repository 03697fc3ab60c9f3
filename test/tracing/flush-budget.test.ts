import { FlushBudget } from '../../shared/tracing/export-guard';

describe('the flush budget', () => {
  it('gives the full timeout while flushes succeed, a short one after a timeout, and one full probe per interval', () => {
    let now = 1_000_000;
    const budget = new FlushBudget(50, 5000, () => now);
    expect(budget.budget(500)).toBe(500);
    budget.record(true); // the collector stopped answering
    // However many invocations flush meanwhile, none waits more than 50 ms until the interval has passed.
    for (let i = 0; i < 100; i++) {
      now += 10;
      expect(budget.budget(500)).toBe(50);
      budget.record(true);
    }
    now += 4000; // 5 s since the timeout that started it
    expect(budget.budget(500)).toBe(500); // the probe
    expect(budget.budget(500)).toBe(50); // a concurrent flush is not a second probe
    budget.record(false); // the probe got through: back to normal
    expect(budget.budget(500)).toBe(500);
  });
});
