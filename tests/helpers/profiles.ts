// Saved profiles written straight into a config directory, as earlier runs would have left them, so a test
// can start from 30 profiles (or an Invenias-shaped one) without running 30 setups.
import { ProfileStore } from '../../src/core/profile-store.js';

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
