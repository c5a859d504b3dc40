// A batch (verify --all over a thousand profiles) allocates a little for each profile and keeps little of it, but the
// requests in flight survive V8's young-generation collections, and V8 grows that generation by what survives: to
// 2 x 16 MiB on Node 20, more on 24, pages the batch then touches all of. Measured 2026-12-07 on 1,000 profiles
// (scripts/bench-verify-all.mjs), holding it at 8 MiB cut the peak by ~23 MiB on Node 20, 22 and 24 alike, at no
// more CPU: collections of 8 MiB are frequent but short, as what they copy is the same few requests.
// V8 reads its growth factor each time it grows the young generation, so setting it at run time holds it there; the
// heap's size limits themselves are read only at start-up, from flags an installed command cannot pass.
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** Large enough that the requests in flight (32 at once) are not copied over and over; more only costs memory. */
export const YOUNG_GENERATION_BYTES = 8 * 1024 * 1024;
/** V8's own factor (flag-definitions.h): the young generation doubles when it grows. */
const GROWTH_FACTOR = 2;

/** What the hold needs of V8; a test gives its own. */
export interface YoungHeap {
  /** The young generation's size now (both semi-spaces). */
  size(): number;
  setFlags(flags: string): void;
  /** Calls `collected` after garbage collections (V8 grows the young generation only then); returns the unsubscribe. */
  afterCollections(collected: () => void): () => void;
}

const v8Heap: YoungHeap = {
  size: () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0,
  setFlags: setFlagsFromString,
  afterCollections: (collected) => {
    const observer = new PerformanceObserver(collected);
    observer.observe({ entryTypes: ['gc'] });
    return () => observer.disconnect();
  },
};

/**
 * Holds the young generation at YOUNG_GENERATION_BYTES from now until the returned function is called. Below that
 * size (at the start, or if V8 shrank it while the batch waited) it grows as usual, so it is never held smaller.
 */
export function holdYoungGeneration(heap: YoungHeap = v8Heap): () => void {
  let held = false;
  const hold = (on: boolean): void => {
    if (on === held) return;
    held = on;
    heap.setFlags(`--semi-space-growth-factor=${on ? 1 : GROWTH_FACTOR}`);
  };
  const check = (): void => hold(heap.size() >= YOUNG_GENERATION_BYTES);
  const stop = heap.afterCollections(check);
  check();
  return () => {
    stop();
    hold(false);
  };
}
