// Saved profiles written straight into a config directory, as earlier runs would have left them, so a test
// can start from 30 profiles (or an Invenias-shaped one) without running 30 setups.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ProfileStore } from '../../src/core/store/profile-store.js';
import { isSecretReference } from '../../src/core/store/secret-references.js';
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

/**
 * Saves the profiles as setups would have. The first and the last go through the store (it makes the directory and
 * files as a save does, and the last save rewrites every file in its own format, the names file included); those in
 * between are added to its files as records shaped like the first, two writes for any number: saved one by one,
 * each ~10 ms of locking, reading and replacing three files, 150 profiles took 1.5 s.
 */
export async function seedProfiles(configDir: string, profiles: SeedProfile[]): Promise<void> {
  const save = (profile: SeedProfile) =>
    new ProfileStore(configDir, { env: { CONNECTOR_SETUP_SECRET_STORE: 'file' } }).update(profile.connector, profile.name, {
      values: profile.values,
      secrets: profile.secrets,
      expiresOn: profile.expiresOn ?? null,
      lastVerified: profile.lastVerified ?? null,
    });
  const [first, ...rest] = profiles;
  const last = rest.pop();
  if (!first) return;
  await save(first);
  // A secret given as a reference (pass:, op://) is the store's to resolve: such a profile is saved through it.
  const plain = rest.filter((profile) => !Object.values(profile.secrets).some(isSecretReference));
  if (plain.length > 0) {
    const profilesFile = path.join(configDir, 'profiles.json');
    const secretsFile = path.join(configDir, 'secrets.json');
    const saved = JSON.parse(readFileSync(profilesFile, 'utf8')) as { schemaVersion: number; profiles: Record<string, Record<string, Record<string, unknown>>> };
    type SecretsFile = { schemaVersion: number; secrets: Record<string, Record<string, Record<string, string>>> };
    const secrets: SecretsFile = existsSync(secretsFile) ? (JSON.parse(readFileSync(secretsFile, 'utf8')) as SecretsFile) : { schemaVersion: saved.schemaVersion, secrets: {} };
    const { references: _references, ...shape } = saved.profiles[first.connector]?.[first.name] ?? {};
    for (const profile of plain) {
      const byName = (saved.profiles[profile.connector] ??= {});
      const existing = byName[profile.name];
      byName[profile.name] = {
        ...(existing ?? shape),
        values: { ...(existing?.values as Record<string, string> | undefined), ...profile.values },
        lastVerified: profile.lastVerified ?? null,
        expiresOn: profile.expiresOn ?? null,
      };
      if (Object.keys(profile.secrets).length > 0) {
        const kept = secrets.secrets[profile.connector]?.[profile.name];
        (secrets.secrets[profile.connector] ??= {})[profile.name] = { ...kept, ...profile.secrets };
      }
    }
    writeFileSync(secretsFile, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
    writeFileSync(profilesFile, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 });
  }
  for (const profile of rest.filter((each) => !plain.includes(each))) await save(profile);
  if (last) await save(last);
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
