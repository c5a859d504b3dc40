// A process that saves one profile over and over through the real ProfileStore, for tests that kill it
// mid-save. Run as: node profile-writer.js <config dir>. Prints "ready" once the first save is complete.
import { fileURLToPath } from 'node:url';
import { ProfileStore } from '../../src/core/store/profile-store.js';

/** Version `n` of the profile: every value is derived from n, so a torn write cannot pass as whole. */
export function profileVersion(version: number): { values: Record<string, string>; secrets: Record<string, string> } {
  const padding = `v${version};`.repeat(40_000);
  return {
    values: { version: String(version), padding, clientId: '11111111-2222-4333-8444-555555555555' },
    secrets: { version: String(version), clientSecret: `FAKE-secret-${version}-${padding}` },
  };
}

async function main(directory: string): Promise<void> {
  const store = new ProfileStore(directory, { env: { CONNECTOR_SETUP_SECRET_STORE: 'file' } });
  for (let version = 1; ; version += 1) {
    await store.update('pingone', 'default', profileVersion(version));
    if (version === 1) process.stdout.write('ready\n');
  }
}

// Only when run as a script: tests import profileVersion from here too.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2]) void main(process.argv[2]);
