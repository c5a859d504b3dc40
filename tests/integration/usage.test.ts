// What a script or a person gets for a command line that cannot run: the contract's failure document under
// --json, the flag that works for a secret, every missing value at once, and command names as people type them.
import { describe, expect, test } from '@jest/globals';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { runInProcess } from '../helpers/in-process.js';
import { tempConfigDir } from '../helpers/cli.js';

describe('usage errors', () => {
  test('with --json an unknown option prints one failure document (code usage), exit 2', async () => {
    const result = await runInProcess(['pingone', '--verify', '--bogus', '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({ ok: false, error: { code: 'usage', message: "Unknown option '--bogus'.", hint: 'See connector-setup --help.' } });
  });

  test.each([
    ['pingone', '--client-secret', '--client-secret-stdin', 'PINGONE_CLIENT_SECRET'],
    ['invenias', '--client-secret', '--client-secret-stdin', 'INVENIAS_CLIENT_SECRET'],
    ['invenias', '--password', '--password-stdin', 'INVENIAS_PASSWORD'],
    ['invenias', '--api-key', '--api-key-stdin', 'INVENIAS_API_KEY'],
  ])('%s %s VALUE names %s and %s, never the value', async (connector, flag, stdinFlag, variable) => {
    for (const argv of [[connector, flag, FAKE.clientSecret], [connector, `${flag}=${FAKE.clientSecret}`, '--json']]) {
      const result = await runInProcess(argv);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`unknown option '${flag}'`);
      expect(result.stderr).toContain(stdinFlag);
      expect(result.stderr).toContain(variable);
      expectNoSecrets(result.stdout + result.stderr, [FAKE.clientSecret]);
    }
  });

  test('a connector typed with capitals runs as its lower-case name', async () => {
    const result = await runInProcess(['PingOne', '--verify', '--json'], { env: { CONNECTOR_SETUP_CONFIG_DIR: tempConfigDir() } });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ connector: 'pingone', error: { code: 'missing_input' } });
  });

  test('a typo in a subcommand suggests the subcommand, without the list of connectors', async () => {
    const result = await runInProcess(['profiles', 'lst']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('(Did you mean list?)');
    expect(result.stderr).not.toContain('Supported connectors');
  });

  test('without a terminal, every missing value is named at once with its flag and variable', async () => {
    const result = await runInProcess(['pingone', '--verify', '--client-id', FAKE.clientId, '--json'], { env: { CONNECTOR_SETUP_CONFIG_DIR: tempConfigDir() } });
    expect(result.code).toBe(2);
    const { error } = JSON.parse(result.stdout) as { error: { message: string; hint: string } };
    expect(error.message).toBe('Missing Client Secret, Auth Domain, Environment ID.');
    for (const where of ['--client-secret-stdin', 'PINGONE_CLIENT_SECRET', '--auth-domain', 'PINGONE_AUTH_DOMAIN', '--environment-id', 'PINGONE_ENVIRONMENT_ID']) {
      expect(error.hint).toContain(where);
    }
  });
});
