// A process killed at any moment while saving leaves the previous profile file whole: a writer saving in a
// loop is SIGKILLed at a random moment, again and again, and each time both files are read back complete.
import { spawn } from 'node:child_process';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import { ProfileStore } from '../../src/core/store/profile-store.js';
import { tempConfigDir } from '../helpers/cli.js';
import { profileVersion } from '../helpers/profile-writer.js';

const WRITER = path.join(path.dirname(fileURLToPath(import.meta.url)), '../helpers/profile-writer.js');
const ROUNDS = 12;

/** Starts a writer, waits until it has saved once, lets it run a random while, then kills it. */
async function killWriterMidSave(directory: string, delayMs: number): Promise<void> {
  const child = spawn(process.execPath, [WRITER, directory], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const safety = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the writer never reported its first save'));
    }, 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString('utf8').includes('ready')) {
        clearTimeout(safety);
        resolve();
      }
    });
  });
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  child.kill('SIGKILL');
  await exited;
}

describe('killed while saving', () => {
  test(`SIGKILL at ${ROUNDS} random moments: profiles.json and secrets.json are always whole`, async () => {
    const directory = tempConfigDir();
    for (let round = 0; round < ROUNDS; round += 1) {
      await killWriterMidSave(directory, Math.floor(Math.random() * 200));
      const profile = await new ProfileStore(directory).get('pingone', 'default');
      expect(profile).toBeDefined();
      const valuesVersion = Number(profile?.values.version);
      const secretsVersion = Number(profile?.secrets.version);
      // Each file is exactly one complete version; secrets are saved first, so they may be one ahead.
      expect(profile?.values).toEqual(profileVersion(valuesVersion).values);
      expect(profile?.secrets).toEqual(profileVersion(secretsVersion).secrets);
      expect(secretsVersion - valuesVersion).toBeGreaterThanOrEqual(0);
      expect(secretsVersion - valuesVersion).toBeLessThanOrEqual(1);
    }
    // The next save clears what killed writers left half-written (a temporary file may hold a secret).
    await new ProfileStore(directory, { env: { CONNECTOR_SETUP_SECRET_STORE: 'file' } }).update('pingone', 'default', profileVersion(0));
    expect(readdirSync(directory).sort()).toEqual(['profile-names', 'profiles.json', 'secrets.json']);
  });

  test('half-written files of a killed writer are removed by the next save; other files are left alone', async () => {
    const directory = tempConfigDir();
    const leftovers = ['.secrets.json.4242.0a1b2c3d.tmp', '.profiles.json.4242.0a1b2c3d.tmp', '.profile-names.4242.0a1b2c3d.tmp', 'profiles.lock.dead-0a1b2c3d'];
    for (const name of [...leftovers, 'notes.txt']) writeFileSync(path.join(directory, name), 'half a file', { mode: 0o600 });
    await new ProfileStore(directory, { env: { CONNECTOR_SETUP_SECRET_STORE: 'file' } }).update('pingone', 'default', profileVersion(1));
    expect(readdirSync(directory).sort()).toEqual(['notes.txt', 'profile-names', 'profiles.json', 'secrets.json']);
  });

  test('a lock left by a killed writer is taken over at once; a live owner is waited for', async () => {
    const directory = tempConfigDir();
    const gone = spawn(process.execPath, ['-e', '']);
    const deadPid = await new Promise<number>((resolve) => gone.on('close', () => resolve(gone.pid ?? 0)));
    writeFileSync(path.join(directory, 'profiles.lock'), `${deadPid}\n`, { mode: 0o600 });
    await new ProfileStore(directory, { env: { CONNECTOR_SETUP_SECRET_STORE: 'file' } }).update('pingone', 'default', profileVersion(1));
    expect(readdirSync(directory).sort()).toEqual(['profile-names', 'profiles.json', 'secrets.json']);

    // This test process is alive: a save waits until it lets go of the lock, then goes ahead.
    writeFileSync(path.join(directory, 'profiles.lock'), `${process.pid}\n`, { mode: 0o600 });
    let saved = false;
    const saving = new ProfileStore(directory, { env: { CONNECTOR_SETUP_SECRET_STORE: 'file' } })
      .update('pingone', 'default', profileVersion(2))
      .then(() => {
        saved = true;
      });
    const stillWaiting = await new Promise<boolean>((resolve) => setImmediate(() => resolve(!saved)));
    expect(stillWaiting).toBe(true);
    rmSync(path.join(directory, 'profiles.lock'));
    await saving;
    expect((await new ProfileStore(directory).get('pingone', 'default'))?.values.version).toBe('2');
  });
});

