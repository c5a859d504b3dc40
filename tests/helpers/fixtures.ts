// Obviously fake values used across the tests, and the check that none of them ever reaches output.
import { expect } from '@jest/globals';

export const FAKE = {
  environmentId: 'cd91070f-c371-480e-80b2-753c735f8aa1',
  otherEnvironmentId: '0b5c3a51-6a0e-4d2b-9d0f-000000000002',
  clientId: '11111111-2222-4333-8444-555555555555',
  clientSecret: 'FAKE-pingone-secret-do-not-use-0001',
  wrongSecret: 'FAKE-wrong-secret-do-not-use-0002',
  inveniasApiKey: 'FAKE-invenias-api-key-0003',
  inveniasClientSecret: 'FAKE-invenias-client-secret-0004',
  inveniasPassword: 'FAKE-invenias-password-0005',
} as const;

export const ALL_FAKE_SECRETS = [FAKE.clientSecret, FAKE.wrongSecret, FAKE.inveniasApiKey, FAKE.inveniasClientSecret, FAKE.inveniasPassword];

/** Fails when any fake secret (raw or URL-encoded) appears in the text. */
export function expectNoSecrets(text: string, secrets: readonly string[] = ALL_FAKE_SECRETS): void {
  for (const secret of secrets) {
    expect(text).not.toContain(secret);
    expect(text).not.toContain(encodeURIComponent(secret));
  }
}
