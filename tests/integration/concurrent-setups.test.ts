// Two terminals, parallel CI jobs: setups started at the same moment never lose each other's profiles.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runCli, runCliProcess, tempConfigDir } from '../helpers/cli.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { type PingOneServer, startPingOne } from '../helpers/pingone-server.js';

const COUNT = 8;
const clientIdOf = (index: number): string => `cccccccc-0000-4000-8000-${String(index).padStart(12, '0')}`;
const secretOf = (index: number): string => `FAKE-parallel-secret-do-not-use-${index}`;

let server: PingOneServer;

beforeAll(async () => {
  server = await startPingOne(Array.from({ length: COUNT }, (_, index) => ({ clientId: clientIdOf(index), clientSecret: secretOf(index), environmentId: FAKE.environmentId })));
});

afterAll(() => server.close());

describe('concurrent setups', () => {
  test(`${COUNT} setups started at once into one config directory: every profile and every secret survives`, async () => {
    const configDir = tempConfigDir();
    const runs = await Promise.all(
      Array.from({ length: COUNT }, (_, index) =>
        runCliProcess(
          ['pingone', '--no-input', '--profile', `job-${index}`, '--client-id', clientIdOf(index), '--auth-domain', server.hostPort, '--environment-id', FAKE.environmentId],
          { configDir, env: { PINGONE_CLIENT_SECRET: secretOf(index), CONNECTOR_SETUP_SECRET_STORE: 'file' }, timeoutMs: 120_000 },
        ),
      ),
    );
    for (const run of runs) {
      expect(run.code).toBe(0);
      expectNoSecrets(run.stdout + run.stderr, Array.from({ length: COUNT }, (_, index) => secretOf(index)));
    }
    // What they left is read back in-process: only the writers needed processes of their own.
    const listed = await runCli(['profiles', 'list', '--json'], { configDir });
    expect(JSON.parse(listed.stdout).profiles.map((profile: { name: string }) => profile.name)).toEqual(Array.from({ length: COUNT }, (_, index) => `job-${index}`));
    const secretsFile = path.join(configDir, 'secrets.json');
    const secrets = JSON.parse(readFileSync(secretsFile, 'utf8')).secrets.pingone;
    for (let index = 0; index < COUNT; index += 1) expect(secrets[`job-${index}`]).toEqual({ clientSecret: secretOf(index) });
    expect(statSync(secretsFile).mode & 0o777).toBe(0o600);
    expect(statSync(configDir).mode & 0o777).toBe(0o700);

    const verified = await runCli(['verify', '--all', '--json'], { configDir });
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout).results).toHaveLength(COUNT);
  });
});
