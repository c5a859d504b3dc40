// Secrets kept in the team's vault: references read through each vault's own CLI, and new secrets written there
// with the values on stdin only. pass is the real one with a throwaway GnuPG key; op, vault and aws are stand-ins
// that behave as their documentation says (tests/helpers/vault-tools.ts, docs/vaults.md).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { baseEnv } from '../helpers/cli.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { type PassStore, type StandIns, startPassStore, startStandIns } from '../helpers/vault-tools.js';
import { parseSecretReference, resolveSecretReference, resolveSecrets } from '../../src/core/store/secret-references.js';
import { VaultStoreWriter, parseStoreChoice } from '../../src/core/store/vault-stores.js';
import type { CliError } from '../../src/core/errors.js';

let pass: PassStore;
let tools: StandIns;

beforeAll(async () => {
  pass = await startPassStore();
  tools = await startStandIns();
});

afterAll(async () => {
  await tools?.stop();
  await pass?.stop();
});

const passEnv = () => baseEnv(pass.env);
const loggedIn = () => baseEnv({ ...tools.env, OP_SERVICE_ACCOUNT_TOKEN: 'FAKE-op-token', VAULT_TOKEN: 'FAKE-vault-token', AWS_ACCESS_KEY_ID: 'FAKE-aws-key' });
const loggedOut = () => baseEnv(tools.env);

async function failure(work: Promise<unknown>): Promise<CliError> {
  try {
    await work;
  } catch (error) {
    return error as CliError;
  }
  throw new Error('expected a failure');
}

const resolve = (text: string, env: NodeJS.ProcessEnv) => resolveSecretReference(parseSecretReference(text)!, env);

describe('pass (the real one)', () => {
  test('a secret written with --store pass:PREFIX is encrypted in the store and read back from its reference', async () => {
    const writer = new VaultStoreWriter({ tool: 'pass', prefix: 'team' }, passEnv());
    await writer.check();
    const references = await writer.write('pingone', 'default', { clientSecret: FAKE.clientSecret });
    expect(references).toEqual({ clientSecret: 'pass:team/pingone/default/clientSecret' });
    expect(pass.files()).toContain('team/pingone/default/clientSecret.gpg');
    expect(pass.files().some((file) => file.includes('probe'))).toBe(false);
    expect(await pass.show('team/pingone/default/clientSecret')).toBe(`${FAKE.clientSecret}\n`);
    expect(await resolve(references.clientSecret!, passEnv())).toBe(FAKE.clientSecret);
  });

  test('a pass entry the team wrote by hand resolves to its first line', async () => {
    await pass.insert('shared/invenias', `${FAKE.inveniasClientSecret}\nusername: someone`);
    expect(await resolveSecrets({ clientSecret: 'pass:shared/invenias', note: 'plain' }, passEnv())).toEqual({
      clientSecret: FAKE.inveniasClientSecret,
      note: 'plain',
    });
  });

  test('an entry that is not there is reference_unresolved (exit 2), naming the reference', async () => {
    const error = await failure(resolve('pass:nowhere/at-all', passEnv()));
    expect(error.code).toBe('reference_unresolved');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('pass:nowhere/at-all');
    expect(error.message).toContain('is not in the password store');
  });

  test('a store without a GnuPG key to decrypt is store_unavailable, with pass own setup command', async () => {
    const error = await failure(resolve('pass:team/pingone/default/clientSecret', baseEnv({ ...pass.env, GNUPGHOME: `${pass.directory}/no-keys` })));
    expect(error.code).toBe('store_unavailable');
    expect(error.exitCode).toBe(2);
    expect(error.hint).toContain('pass init');
  });
});

describe('1Password (op stand-in)', () => {
  test('op item create gets the values in a JSON template on stdin; the references read them back with op read', async () => {
    const writer = new VaultStoreWriter({ tool: 'op', vault: 'Engineering' }, loggedIn());
    await writer.check();
    const references = await writer.write('invenias', 'prod', { clientSecret: FAKE.inveniasClientSecret, password: FAKE.inveniasPassword });
    const [item] = tools.state().op.Engineering!;
    expect(references).toEqual({ clientSecret: `op://Engineering/${item!.id}/clientSecret`, password: `op://Engineering/${item!.id}/password` });
    expect(item!.title).toBe('connector-setup invenias prod');
    expect(await resolveSecrets(references, loggedIn())).toEqual({ clientSecret: FAKE.inveniasClientSecret, password: FAKE.inveniasPassword });
    for (const call of tools.calls()) expectNoSecrets(call.args.join(' '));
    await writer.remove(references);
    expect(tools.state().op.Engineering).toEqual([]);
  });

  test('not signed in: store_unavailable naming op signin', async () => {
    const error = await failure(new VaultStoreWriter({ tool: 'op', vault: 'Engineering' }, loggedOut()).check());
    expect(error.code).toBe('store_unavailable');
    expect(error.message).toContain('You are not currently signed in');
    expect(error.message).not.toContain('2024/09/11');
    expect(error.hint).toContain('op signin');
    expect((await failure(resolve('op://Engineering/item/field', loggedOut()))).code).toBe('store_unavailable');
  });

  test('an item that is not there is reference_unresolved', async () => {
    const error = await failure(resolve('op://Engineering/missing-item/clientSecret', loggedIn()));
    expect(error.code).toBe('reference_unresolved');
    expect(error.message).toContain("isn't an item");
  });
});

describe('HashiCorp Vault (vault stand-in)', () => {
  test('vault kv put and patch read each value from stdin (k=-); vault:PATH#FIELD reads it with kv get -field', async () => {
    const writer = new VaultStoreWriter({ tool: 'vault', path: 'secret/connector-setup' }, loggedIn());
    await writer.check();
    const references = await writer.write('invenias', 'prod', { clientSecret: FAKE.inveniasClientSecret, password: FAKE.inveniasPassword });
    expect(references).toEqual({
      clientSecret: 'vault:secret/connector-setup/invenias/prod#clientSecret',
      password: 'vault:secret/connector-setup/invenias/prod#password',
    });
    expect(tools.state().vault['secret/connector-setup/invenias/prod']).toEqual({ clientSecret: FAKE.inveniasClientSecret, password: FAKE.inveniasPassword });
    expect(await resolveSecrets(references, loggedIn())).toEqual({ clientSecret: FAKE.inveniasClientSecret, password: FAKE.inveniasPassword });
    const writes = tools.calls().filter((call) => call.tool === 'vault' && (call.args[1] === 'put' || call.args[1] === 'patch'));
    expect(writes.map((call) => call.args)).toEqual([
      ['kv', 'put', 'secret/connector-setup/invenias/prod', 'clientSecret=-'],
      ['kv', 'patch', 'secret/connector-setup/invenias/prod', 'password=-'],
    ]);
  });

  test('no token: store_unavailable with the server said reason and vault login', async () => {
    const error = await failure(resolve('vault:secret/connector-setup/invenias/prod#clientSecret', loggedOut()));
    expect(error.code).toBe('store_unavailable');
    expect(error.message).toContain('missing client token');
    expect(error.hint).toContain('vault login');
  });

  test('a field the secret does not have is reference_unresolved', async () => {
    const error = await failure(resolve('vault:secret/connector-setup/invenias/prod#nothing', loggedIn()));
    expect(error.code).toBe('reference_unresolved');
    expect(error.message).toContain('Field "nothing" not present in secret');
  });
});

describe('AWS Secrets Manager (aws stand-in)', () => {
  test('aws-sm:SECRET_ID#KEY reads the key of the JSON SecretString; without #KEY the whole string', async () => {
    tools.seed({ aws: { 'prod/pingone': JSON.stringify({ clientSecret: FAKE.clientSecret }), 'prod/plain': FAKE.wrongSecret } });
    expect(await resolve('aws-sm:prod/pingone#clientSecret', loggedIn())).toBe(FAKE.clientSecret);
    expect(await resolve('aws-sm:prod/plain', loggedIn())).toBe(FAKE.wrongSecret);
    const missingKey = await failure(resolve('aws-sm:prod/pingone#other', loggedIn()));
    expect(missingKey.code).toBe('reference_unresolved');
    expectNoSecrets(missingKey.message);
  });

  test('no credentials: store_unavailable naming aws configure; an unknown secret: reference_unresolved', async () => {
    const error = await failure(resolve('aws-sm:prod/pingone#clientSecret', loggedOut()));
    expect(error.code).toBe('store_unavailable');
    expect(error.message).toContain('Unable to locate credentials');
    expect(error.hint).toContain('aws configure');
    const unknown = await failure(resolve('aws-sm:prod/nothing#clientSecret', loggedIn()));
    expect(unknown.code).toBe('reference_unresolved');
    expect(unknown.message).toContain('ResourceNotFoundException');
  });
});

describe('references and stores as written by users', () => {
  test('a CLI that is not installed is store_unavailable saying so', async () => {
    const error = await failure(resolve('op://Engineering/item/field', baseEnv({ PATH: '/nonexistent' })));
    expect(error.code).toBe('store_unavailable');
    expect(error.message).toContain('op is not installed or not on PATH');
  });

  test.each(['vault:secret/x', 'vault:-address=https://evil.example#f', 'pass:--clip', 'op://only/two', 'aws-sm:#key'])('%s is refused before any tool runs', (text) => {
    expect(() => parseSecretReference(text)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  });

  test('plain values are not references', () => {
    expect(parseSecretReference(FAKE.clientSecret)).toBeUndefined();
  });

  test('--store accepts keychain, file and the three vaults, and refuses anything else', () => {
    expect(parseStoreChoice('op:Engineering')).toEqual({ tool: 'op', vault: 'Engineering' });
    expect(parseStoreChoice('vault:secret/team')).toEqual({ tool: 'vault', path: 'secret/team' });
    expect(parseStoreChoice('pass:team')).toEqual({ tool: 'pass', prefix: 'team' });
    expect(parseStoreChoice('FILE')).toBe('file');
    for (const bad of ['aws-sm:x', 'op:a/b', 'vault:-x', 'pass:', 'somewhere']) {
      expect(() => parseStoreChoice(bad)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    }
  });
});
