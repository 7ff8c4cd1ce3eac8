import { backoffDelay } from '../../lib/policies/backoffDelay';

describe('backoffDelay', () => {
  it.each([
    [0, 1000],
    [1, 2000],
    [2, 4000],
    [3, 8000],
    [4, 16000],
    [5, 30000],
    [6, 30000],
    [1000, 30000],
  ])('waits the capped exponential delay at attempt %i without jitter: %i ms', (attempt, expected) => {
    expect(backoffDelay(attempt, { jitter: false })).toBe(expected);
  });

  it.each([
    [0, 0.5, 500],
    [3, 0.5, 4000],
    [6, 0.5, 15000],
    [2, 0, 0],
    [2, 0.999, 3996],
  ])('scales attempt %i by random() = %f with full jitter: %f ms', (attempt, r, expected) => {
    expect(backoffDelay(attempt, { random: () => r })).toBeCloseTo(expected, 6);
  });

  it('uses jitter by default', () => {
    const random = jest.fn(() => 0.25);
    expect(backoffDelay(1, { random })).toBe(500);
    expect(random).toHaveBeenCalledTimes(1);
  });

  it('honours initialDelayMs, factor and maxDelayMs', () => {
    const config = { initialDelayMs: 100, factor: 3, maxDelayMs: 1000, jitter: false };
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, config))).toEqual([100, 300, 900, 1000]);
  });

  it('raises the delay to floorMs after jitter', () => {
    expect(backoffDelay(0, { jitter: false }, 2000)).toBe(2000);
    expect(backoffDelay(5, { random: () => 0 }, 2000)).toBe(2000);
  });

  it('keeps a delay longer than floorMs', () => {
    expect(backoffDelay(3, { jitter: false }, 2000)).toBe(8000);
  });

  it('stays 0 for initialDelayMs 0 at any attempt', () => {
    expect(backoffDelay(5000, { initialDelayMs: 0, jitter: false })).toBe(0);
  });

  it.each([
    [{ initialDelayMs: -1 }, /^backoffDelay: option initialDelayMs must be a finite number >= 0, got -1/],
    [{ maxDelayMs: 500 }, /^backoffDelay: option maxDelayMs must be a finite number >= 1000, got 500/],
    [{ factor: 0.5 }, /^backoffDelay: option factor must be a finite number >= 1, got 0.5/],
    [{ factor: Number.NaN }, /^backoffDelay: option factor must be a finite number >= 1, got NaN/],
    [{ jitter: 'yes' as unknown as boolean }, /^backoffDelay: option jitter must be a boolean, got "yes"/],
    [{ random: 0.5 as unknown as () => number }, /^backoffDelay: option random must be a function, got 0.5/],
  ])('throws a TypeError naming the option for %j', (config, message) => {
    expect(() => backoffDelay(0, config)).toThrow(TypeError);
    expect(() => backoffDelay(0, config)).toThrow(message);
  });

  it.each([
    [-1, undefined, /^backoffDelay: option attempt must be an integer >= 0, got -1/],
    [1.5, undefined, /^backoffDelay: option attempt must be an integer >= 0, got 1.5/],
    [0, -5, /^backoffDelay: option floorMs must be a finite number >= 0, got -5/],
  ])('rejects attempt %p with floorMs %p', (attempt, floor, message) => {
    expect(() => backoffDelay(attempt, {}, floor)).toThrow(message);
  });
});
