// A batch (verify --all over a thousand profiles) allocates a little for each profile and keeps little of it, but the
// requests in flight survive V8's young-generation collections, and V8 grows that generation by what survives: to
// 2 x 16 MiB on Node 20, more on 24, pages the batch then touches all of; what survives twice is moved to the old
// generation, which V8 lets grow well past what is live before it collects it. Measured 2026-12-07 on 1,000 profiles
// (scripts/bench-verify-all.mjs, medians of 4-5): holding the young generation at 8 MiB cut the peak from 117 to 93 MiB
// on Node 20 (Node 22: ~130 to 105, Node 24: ~144 to 118) at no more CPU; optimising the heap for size as well (an old
// generation collected sooner) took 5-6 MiB more (87, 100, 114) for ~10 % more CPU, a batch's wall time being the
// network's. V8 reads both flags as it goes, so they take effect when set at run time; the heap's size limits
// themselves are read only at start-up, from flags an installed command cannot pass.
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** Large enough that the requests in flight (32 at once) are not copied over and over; more only costs memory. */
export const YOUNG_GENERATION_BYTES = 8 * 1024 * 1024;
/** While held: the young generation does not grow, and the heap is tuned for size. */
const HELD_FLAGS = '--semi-space-growth-factor=1 --optimize-for-size';
/** V8's own defaults (flag-definitions.h): the young generation doubles when it grows. */
const RELEASED_FLAGS = '--semi-space-growth-factor=2 --no-optimize-for-size';

/** What the hold needs of V8; a test gives its own. */
export interface BatchHeap {
  /** The young generation's size now (both semi-spaces). */
  youngSize(): number;
  setFlags(flags: string): void;
  /** Calls `collected` after garbage collections (V8 grows the young generation only then); returns the unsubscribe. */
  afterCollections(collected: () => void): () => void;
}

const v8Heap: BatchHeap = {
  youngSize: () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0,
  setFlags: setFlagsFromString,
  afterCollections: (collected) => {
    const observer = new PerformanceObserver(collected);
    observer.observe({ entryTypes: ['gc'] });
    return () => observer.disconnect();
  },
};

/**
 * Keeps the heap small from now until the returned function is called: once the young generation is at
 * YOUNG_GENERATION_BYTES it is held there. Below that size (at the start, or if V8 shrank it while the batch waited)
 * it grows as usual, so it is never held smaller.
 */
export function keepHeapSmall(heap: BatchHeap = v8Heap): () => void {
  let held = false;
  const hold = (on: boolean): void => {
    if (on === held) return;
    held = on;
    heap.setFlags(on ? HELD_FLAGS : RELEASED_FLAGS);
  };
  const check = (): void => hold(heap.youngSize() >= YOUNG_GENERATION_BYTES);
  const stop = heap.afterCollections(check);
  check();
  return () => {
    stop();
    hold(false);
  };
}
