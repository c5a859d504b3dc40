// A batch looks up a thousand profiles, the first few dozen at the same moment: the profile file is read and
// checked once for all of them, and read again only once it has been replaced.
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { JsonFile } from '../../src/core/store/atomic-file.js';
import { tempConfigDir } from '../helpers/cli.js';

function countedFile(directory: string): { file: JsonFile<{ names: string[] }>; reads: () => number } {
  let reads = 0;
  const check = (data: unknown): { names: string[] } => {
    reads += 1;
    return data as { names: string[] };
  };
  return { file: new JsonFile(directory, 'profiles', check, () => ({ names: [] })), reads: () => reads };
}

describe('the profile file, as a batch reads it', () => {
  test('32 look-ups at once read and check it once, and all see the same profiles', async () => {
    const directory = tempConfigDir();
    writeFileSync(path.join(directory, 'profiles.json'), JSON.stringify({ names: ['customer-0001', 'customer-0002'] }));
    const { file, reads } = countedFile(directory);
    const seen = await Promise.all(Array.from({ length: 32 }, () => file.readShared()));
    expect(reads()).toBe(1);
    for (const data of seen) expect(data.names).toEqual(['customer-0001', 'customer-0002']);
  });

  test('once the file is replaced, the next look-up reads the new one', async () => {
    const directory = tempConfigDir();
    const target = path.join(directory, 'profiles.json');
    writeFileSync(target, JSON.stringify({ names: ['customer-0001'] }));
    const { file, reads } = countedFile(directory);
    expect((await file.readShared()).names).toEqual(['customer-0001']);
    writeFileSync(`${target}.new`, JSON.stringify({ names: ['customer-0001', 'customer-0003'] }));
    renameSync(`${target}.new`, target);
    expect((await file.readShared()).names).toEqual(['customer-0001', 'customer-0003']);
    expect(reads()).toBe(2);
  });

  test('a damaged file is reported to every look-up, and read again by the next', async () => {
    const directory = tempConfigDir();
    writeFileSync(path.join(directory, 'profiles.json'), '{"names": [');
    const { file } = countedFile(directory);
    const outcomes = await Promise.allSettled(Array.from({ length: 4 }, () => file.readShared()));
    for (const outcome of outcomes) expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'config_damaged' } });
    writeFileSync(path.join(directory, 'profiles.json'), JSON.stringify({ names: ['customer-0004'] }));
    expect((await file.readShared()).names).toEqual(['customer-0004']);
  });
});
