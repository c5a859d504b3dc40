// A batch holds V8's young generation at 8 MiB while it runs: below that it grows as V8 decides, and once the batch
// has printed its report V8 grows it as it would. On this Node's own V8, a held young generation stops growing.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import { YOUNG_GENERATION_BYTES, type YoungHeap, holdYoungGeneration } from '../../src/core/run/young-generation.js';

const MiB = 1024 * 1024;

/** A heap whose young generation is the size a test says, collected when the test says. */
function fakeHeap(startMiB: number) {
  const flags: string[] = [];
  let collected: (() => void) | undefined;
  let sizeMiB = startMiB;
  const heap: YoungHeap = {
    size: () => sizeMiB * MiB,
    setFlags: (text) => void flags.push(text),
    afterCollections: (callback) => {
      collected = callback;
      return () => (collected = undefined);
    },
  };
  const collect = (newSizeMiB: number): void => {
    sizeMiB = newSizeMiB;
    collected?.();
  };
  return { heap, flags, collect, watching: () => collected !== undefined };
}

describe('a batch holds the young generation at 8 MiB', () => {
  test('it grows as V8 decides until it reaches 8 MiB, is held there, and grows again once the batch is over', () => {
    const { heap, flags, collect, watching } = fakeHeap(1);
    const release = holdYoungGeneration(heap);
    collect(2);
    collect(4);
    expect(flags).toEqual([]);
    collect(YOUNG_GENERATION_BYTES / MiB);
    expect(flags).toEqual(['--semi-space-growth-factor=1']);
    collect(8);
    expect(flags).toHaveLength(1);
    release();
    expect(flags).toEqual(['--semi-space-growth-factor=1', '--semi-space-growth-factor=2']);
    expect(watching()).toBe(false);
  });

  test('shrunk by V8 while the batch waited, it may grow back to 8 MiB', () => {
    const { heap, flags, collect } = fakeHeap(8);
    const release = holdYoungGeneration(heap);
    expect(flags).toEqual(['--semi-space-growth-factor=1']);
    collect(2);
    expect(flags).toEqual(['--semi-space-growth-factor=1', '--semi-space-growth-factor=2']);
    collect(8);
    expect(flags.at(-1)).toBe('--semi-space-growth-factor=1');
    release();
    expect(flags.at(-1)).toBe('--semi-space-growth-factor=2');
  });

  test('a batch that never reaches 8 MiB changes nothing', () => {
    const { heap, flags, collect, watching } = fakeHeap(1);
    const release = holdYoungGeneration(heap);
    collect(4);
    release();
    expect(flags).toEqual([]);
    expect(watching()).toBe(false);
  });

  test("on this Node's V8, a held young generation stays at 8 MiB where it would grow to 32 MiB or more", () => {
    // A fresh process, as a run of the CLI is: requests in flight are objects that survive a few collections.
    const script = `
      import { getHeapSpaceStatistics } from 'node:v8';
      const { holdYoungGeneration } = await import(process.env.MODULE);
      const size = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size;
      const held = process.env.HELD === '1';
      const release = held ? holdYoungGeneration() : () => {};
      let most = 0;
      const inFlight = [];
      for (let round = 0; round < 60; round += 1) {
        inFlight.push(Array.from({ length: 4000 }, (_, index) => ({ index, text: 'request ' + round + '.' + index })));
        if (inFlight.length > 8) inFlight.shift();
        await new Promise((resolve) => setImmediate(resolve));
        most = Math.max(most, size());
      }
      release();
      process.stdout.write(String(most));
    `;
    const module = fileURLToPath(new URL('../../src/core/run/young-generation.js', import.meta.url));
    const most = (held: boolean): number =>
      Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, MODULE: module, HELD: held ? '1' : '0' }, encoding: 'utf8' })) / MiB;
    expect(most(false)).toBeGreaterThanOrEqual(32);
    // V8 may round the held size up by a page or so.
    expect(most(true)).toBeLessThanOrEqual(12);
  });
});
