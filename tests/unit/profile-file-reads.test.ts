// A batch looks up a thousand profiles, the first few dozen at the same moment: the profile file is read and
// checked once for all of them, and read again only once it has been replaced.
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { JsonFile } from '../../src/core/store/atomic-file.js';
import { ProfileStore } from '../../src/core/store/profile-store.js';
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

describe('a profile looked up in the store', () => {
  const record = (values: Record<string, string>) => ({ values, secretStore: 'file', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', lastVerified: null, expiresOn: null });

  test('is its own entry whatever its name, and what one look-up is handed cannot change what the next one sees', async () => {
    const directory = tempConfigDir();
    const profiles = `{"pingone": {"constructor": ${JSON.stringify(record({ clientId: 'constructor-id' }))}, "customer-0001": ${JSON.stringify(record({ clientId: 'customer-id' }))}}}`;
    writeFileSync(path.join(directory, 'profiles.json'), `{"schemaVersion": 1, "profiles": ${profiles}}`);
    const store = new ProfileStore(directory, { env: { CONNECTOR_SETUP_SECRET_STORE: 'file' } });
    try {
      expect(await store.get('pingone', '__proto__')).toBeUndefined();
      expect(await store.get('pingone', 'toString')).toBeUndefined();
      const first = await store.get('pingone', 'constructor');
      expect(first?.values).toEqual({ clientId: 'constructor-id' });
      expect(() => {
        (first?.values as Record<string, string>).clientId = 'changed';
      }).toThrow(TypeError);
      expect((await store.get('pingone', 'constructor'))?.values).toEqual({ clientId: 'constructor-id' });
      expect((await store.list()).map((profile) => [profile.name, profile.values.clientId])).toEqual([
        ['constructor', 'constructor-id'],
        ['customer-0001', 'customer-id'],
      ]);
    } finally {
      store.close();
    }
  });
});
