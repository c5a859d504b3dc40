// The real clock's time limit of one request: it runs out when its time is up, and a limit cleared once its request
// has ended never fires (a batch of a thousand requests does not keep a thousand timers for their full limit).
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { systemClock } from '../../src/core/clock.js';

beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

describe('the time limit of one request, on the real clock', () => {
  test('left alone, it runs out once its time has passed, as a TimeoutError', () => {
    const deadline = systemClock.deadline(15_000);
    jest.advanceTimersByTime(14_999);
    expect(deadline.signal.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect(deadline.signal.aborted).toBe(true);
    expect((deadline.signal.reason as DOMException).name).toBe('TimeoutError');
  });

  test('cleared when its request has ended, it never fires and leaves no timer behind', () => {
    const kept = systemClock.deadline(15_000);
    const cleared = systemClock.deadline(15_000);
    cleared.clear();
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(60_000);
    expect(cleared.signal.aborted).toBe(false);
    expect(kept.signal.aborted).toBe(true);
  });
});
