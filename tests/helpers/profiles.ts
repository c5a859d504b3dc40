// Saved profiles written straight into a config directory, as earlier runs would have left them, so a test
// can start from 30 profiles (or an Invenias-shaped one) without running 30 setups.
import { ProfileStore } from '../../src/core/store/profile-store.js';
import { tempConfigDir } from './cli.js';
import { FAKE } from './fixtures.js';

export interface SeedProfile {
  connector: string;
  name: string;
  values: Record<string, string>;
  secrets: Record<string, string>;
  expiresOn?: string | null;
  lastVerified?: string | null;
}

export async function seedProfiles(configDir: string, profiles: SeedProfile[]): Promise<void> {
  const store = new ProfileStore(configDir, { env: { CONNECTOR_SETUP_SECRET_STORE: 'file' } });
  for (const profile of profiles) {
    await store.update(profile.connector, profile.name, {
      values: profile.values,
      secrets: profile.secrets,
      expiresOn: profile.expiresOn ?? null,
      lastVerified: profile.lastVerified ?? null,
    });
  }
}

/** A store reading the same directory (file secrets), for assertions on what was saved. */
export function openStore(configDir: string, env: NodeJS.ProcessEnv = { CONNECTOR_SETUP_SECRET_STORE: 'file' }): ProfileStore {
  return new ProfileStore(configDir, { env });
}

/** The Client ID of the Invenias profile `acme` that seedInveniasProfile saves. */
export const SEEDED_INVENIAS_CLIENT_ID = '9a0c4e1b-0d6f-4c3e-9a61-5c1f00000abc';

/** A new config directory holding one Invenias profile, `acme`, with its one-time Client Secret and password. */
export async function seedInveniasProfile(): Promise<string> {
  const configDir = tempConfigDir();
  await seedProfiles(configDir, [
    {
      connector: 'invenias',
      name: 'acme',
      values: { subdomain: 'acme', clientId: SEEDED_INVENIAS_CLIENT_ID, username: 'cyclr@acme.example', serviceDomain: 'api.cyclr.com' },
      secrets: { clientSecret: FAKE.inveniasClientSecret, password: FAKE.inveniasPassword },
    },
  ]);
  return configDir;
}
