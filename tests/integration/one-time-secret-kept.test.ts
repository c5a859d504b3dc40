// A secret the partner shows only once is never lost. Before the create (or renew) is sent, the store that will
// keep it is proven writable with a real write: an unwritable directory or a full disk ends the run with exit 2 and
// nothing sent. If the save still fails after the partner issued it, the secret goes to --secret-out, or is shown
// once at a terminal; only a script with neither ends without it, told exactly how to renew. Against the Invenias
// stand-in, which counts every create and renew, and real unwritable places (tests/helpers/unwritable.ts).
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type CliResult, runCli, tempConfigDir } from '../helpers/cli.js';
import { ALL_FAKE_SECRETS, FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { runInProcess } from '../helpers/in-process.js';
import { type InveniasServer, existingApp, startInvenias } from '../helpers/invenias-server.js';
import { type PingOneServer, startPingOne } from '../helpers/pingone-server.js';
import { fullFileSystem, makeUnwritable } from '../helpers/unwritable.js';

const USERNAME = 'cyclr.integration';
const EXISTING_APP = 'existing-app-0001';

let invenias: InveniasServer;
let pingone: PingOneServer;

beforeAll(async () => {
  invenias = await startInvenias({
    subdomain: 'acme',
    adminKeys: [FAKE.inveniasApiKey],
    users: [{ username: USERNAME, password: FAKE.inveniasPassword }],
    apps: [existingApp(EXISTING_APP, `${FAKE.inveniasClientSecret}-existing`)],
  });
  pingone = await startPingOne([{ clientId: FAKE.clientId, clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId }]);
});

afterAll(async () => {
  invenias.onApplicationRequest(undefined);
  await Promise.all([invenias.close(), pingone.close()]);
});

const ENV = { INVENIAS_API_KEY: FAKE.inveniasApiKey, INVENIAS_USERNAME: USERNAME, INVENIAS_PASSWORD: FAKE.inveniasPassword, CYCLR_SERVICE_DOMAIN: 'acme.cyclr.com' };

/** A scripted create (or, with extra args, a renew) against the stand-in. */
function invenias_(configDir: string, args: string[] = []): Promise<CliResult> {
  return runCli(['invenias', '--json', '--subdomain', 'acme', '--base-url', invenias.origin, ...args], { configDir, env: ENV });
}

function counts() {
  return { creates: invenias.createRequests().length, renews: invenias.renewRequests().length, tokens: invenias.tokenRequests().length };
}

function errorOf(result: CliResult): { code: string; message: string; hint: string } {
  return JSON.parse(result.stdout).error;
}

/** The application the stand-in created last: the one whose secret the run held. */
function lastCreated(): { clientId: string; clientSecret: string } {
  const apps = [...invenias.apps.values()];
  const app = apps[apps.length - 1];
  if (!app) throw new Error('no application was created');
  return app;
}

describe('before a create or renew: the store that will keep the secret is proven writable', () => {
  test('an unwritable profile directory: exit 2, config_unusable, no create sent', async () => {
    const configDir = tempConfigDir();
    const restore = makeUnwritable(configDir);
    try {
      const before = counts();
      const result = await invenias_(configDir);
      expect(result.code).toBe(2);
      const error = errorOf(result);
      expect(error.code).toBe('config_unusable');
      expect(error.message).toMatch(new RegExp(`The profile directory ${configDir} cannot be used: it is not writable \\((EPERM|EACCES)\\)`));
      expect(counts()).toEqual(before);
      expectNoSecrets(result.stdout + result.stderr);
    } finally {
      restore();
    }
  });

  test('a full disk (a new empty file still fits, not one byte more): exit 2, the disk named, no create sent', async () => {
    const full = fullFileSystem();
    try {
      const before = counts();
      const result = await invenias_(full.directory);
      expect(result.code).toBe(2);
      expect(errorOf(result)).toMatchObject({ code: 'config_unusable', message: expect.stringContaining('the disk is full (ENOSPC)') });
      expect(counts()).toEqual(before);
    } finally {
      full.release();
    }
  });

  test('--renew into an unwritable directory: exit 2, no renew sent, the old secret still works', async () => {
    const configDir = tempConfigDir();
    const restore = makeUnwritable(configDir);
    try {
      const before = counts();
      const result = await invenias_(configDir, ['--renew', '--yes', '--client-id', EXISTING_APP, '--no-input']);
      expect(result.code).toBe(2);
      expect(errorOf(result).code).toBe('config_unusable');
      expect(counts()).toEqual(before);
      expect(invenias.apps.get(EXISTING_APP)?.clientSecret).toBe(`${FAKE.inveniasClientSecret}-existing`);
    } finally {
      restore();
    }
  });

  test('a file where the profile directory should be: exit 2, config_unusable, no create sent', async () => {
    const notADirectory = path.join(tempConfigDir(), 'profiles-here');
    writeFileSync(notADirectory, 'a file, not a directory\n');
    const before = counts();
    const result = await invenias_(notADirectory);
    expect(result.code).toBe(2);
    expect(errorOf(result)).toMatchObject({ code: 'config_unusable', message: expect.stringContaining(`The profile directory ${notADirectory} cannot be used`) });
    expect(counts()).toEqual(before);
  });

  test('--secret-out in a directory that does not exist: exit 2 before anything is sent', async () => {
    const before = counts();
    const out = path.join(tempConfigDir(), 'missing', 'secret.json');
    const result = await invenias_(tempConfigDir(), ['--secret-out', out]);
    expect(result.code).toBe(2);
    expect(errorOf(result)).toMatchObject({ code: 'invalid_input', message: `--secret-out ${out} cannot be used: its directory does not exist.` });
    expect(counts()).toEqual(before);
  });

  test('--secret-out naming a file that exists: exit 2, the file untouched (it is never overwritten)', async () => {
    const out = path.join(tempConfigDir(), 'notes.txt');
    writeFileSync(out, 'my notes\n');
    const before = counts();
    const result = await invenias_(tempConfigDir(), ['--secret-out', out]);
    expect(result.code).toBe(2);
    expect(errorOf(result)).toMatchObject({ code: 'invalid_input', message: `--secret-out ${out} cannot be used: it already exists.` });
    expect(readFileSync(out, 'utf8')).toBe('my notes\n');
    expect(counts()).toEqual(before);
  });

  test('--secret-out in an unwritable directory: exit 2 before anything is sent', async () => {
    const directory = tempConfigDir();
    const restore = makeUnwritable(directory);
    try {
      const before = counts();
      const result = await invenias_(tempConfigDir(), ['--secret-out', path.join(directory, 'secret.json')]);
      expect(result.code).toBe(2);
      expect(errorOf(result)).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/its directory is not writable \((EPERM|EACCES)\)/) });
      expect(counts()).toEqual(before);
    } finally {
      restore();
    }
  });

  test('PingOne in an unwritable directory: a config error (exit 2) before the token request, not an internal error after it', async () => {
    const configDir = tempConfigDir();
    const restore = makeUnwritable(configDir);
    try {
      const sent = pingone.tokenRequests().length;
      const result = await runCli(['pingone', '--json', '--client-id', FAKE.clientId, '--auth-domain', pingone.hostPort, '--environment-id', FAKE.environmentId], {
        configDir,
        env: { PINGONE_CLIENT_SECRET: FAKE.clientSecret },
      });
      expect(result.code).toBe(2);
      expect(errorOf(result).code).toBe('config_unusable');
      expect(pingone.tokenRequests().length).toBe(sent);
      expectNoSecrets(result.stdout + result.stderr);
    } finally {
      restore();
    }
  });
});

describe('the save fails after Invenias issued the secret (the directory turns unwritable while the create is answered)', () => {
  /** Runs `work` with the config directory made unwritable the moment the stand-in receives the create or renew. */
  async function breakingOnCreate<T>(configDir: string, work: () => Promise<T>): Promise<T> {
    let restore: (() => void) | undefined;
    invenias.onApplicationRequest(() => {
      restore = makeUnwritable(configDir);
    });
    try {
      return await work();
    } finally {
      invenias.onApplicationRequest(undefined);
      restore?.();
    }
  }

  test('--json --secret-out FILE: the secret and its Client ID are in FILE (mode 0600); never in the output', async () => {
    const configDir = tempConfigDir();
    const out = path.join(tempConfigDir(), 'invenias-secret.json');
    const before = counts();
    const result = await breakingOnCreate(configDir, () => invenias_(configDir, ['--secret-out', out]));
    expect(counts().creates).toBe(before.creates + 1);
    expect(result.code).toBe(1);
    const app = lastCreated();
    const error = errorOf(result);
    expect(error.code).toBe('secret_not_saved');
    expect(error.message).toContain(`Invenias issued a Client Secret for application ${app.clientId}, but the profile could not keep it`);
    expect(error.message).toContain(`It was written to ${out} (mode 0600) instead.`);
    expect(error.hint).toBe(
      `Fix the profile directory, then save it with connector-setup invenias --profile default --client-id ${app.clientId} --subdomain acme --base-url ${invenias.origin} and that Client Secret in INVENIAS_CLIENT_SECRET (or on --client-secret-stdin). If it is lost: connector-setup invenias --renew --profile default --client-id ${app.clientId} --subdomain acme --base-url ${invenias.origin}.`,
    );
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const kept = JSON.parse(readFileSync(out, 'utf8'));
    expect(kept).toMatchObject({ connector: 'invenias', profile: 'default', values: { subdomain: 'acme', clientId: app.clientId }, secrets: { clientSecret: app.clientSecret } });
    expect(kept.secrets).toEqual({ clientSecret: app.clientSecret });
    expectNoSecrets(result.stdout + result.stderr, [...ALL_FAKE_SECRETS, app.clientSecret]);
  });

  test('--json without --secret-out: the exact command that renews the application, with its Client ID and subdomain', async () => {
    const configDir = tempConfigDir();
    const result = await breakingOnCreate(configDir, () => invenias_(configDir));
    expect(result.code).toBe(1);
    const app = lastCreated();
    const error = errorOf(result);
    expect(error.code).toBe('secret_not_saved');
    expect(error.message).toContain(`application ${app.clientId}`);
    expect(error.message).toContain('The secret is not kept anywhere.');
    expect(error.hint).toContain(`connector-setup invenias --renew --profile default --client-id ${app.clientId} --subdomain acme --base-url ${invenias.origin}`);
    expect(error.hint).toContain('--secret-out FILE');
    expectNoSecrets(result.stdout + result.stderr, [...ALL_FAKE_SECRETS, app.clientSecret]);
  });

  test('--renew --json --secret-out FILE: the new secret of that application is in FILE', async () => {
    const configDir = tempConfigDir();
    const out = path.join(tempConfigDir(), 'renewed.json');
    const before = counts();
    const result = await breakingOnCreate(configDir, () => invenias_(configDir, ['--renew', '--yes', '--client-id', EXISTING_APP, '--no-input', '--secret-out', out]));
    expect(counts().renews).toBe(before.renews + 1);
    expect(result.code).toBe(1);
    expect(errorOf(result).code).toBe('secret_not_saved');
    const renewed = invenias.apps.get(EXISTING_APP)?.clientSecret;
    expect(JSON.parse(readFileSync(out, 'utf8')).secrets).toEqual({ clientSecret: renewed });
    expectNoSecrets(result.stdout + result.stderr, [...ALL_FAKE_SECRETS, String(renewed)]);
  });

  test('at a terminal: the secret is shown once, with its Client ID, rather than dropped', async () => {
    const configDir = tempConfigDir();
    const result = await breakingOnCreate(configDir, () =>
      runInProcess(['invenias', '--subdomain', 'acme', '--base-url', invenias.origin, '--username', USERNAME, '--app-name', 'Integration', '--expiration', 'FiveYears'], {
        env: { ...ENV, CONNECTOR_SETUP_CONFIG_DIR: configDir, BROWSER: 'none' },
        answers: [true],
      }),
    );
    expect(result.code).toBe(1);
    const app = lastCreated();
    expect(result.stderr).toContain('Invenias shows this secret only once and it could not be saved: copy it now');
    expect(result.stderr).toMatch(new RegExp(`Client ID: ${app.clientId}\\n\\s+Client Secret: ${app.clientSecret}\\n`));
    expect(result.stderr.split(app.clientSecret).length).toBe(2);
    expect(result.stderr).toContain('It was shown above, once.');
    expect(result.stderr).toContain('secret_not_saved');
  });
});
