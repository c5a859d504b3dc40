// The interactive Invenias wizard's flow, driven in-process with scripted answers against the HTTPS stand-in:
// refusals and what the person can do next. The pseudo-terminal tests in tests/e2e/invenias-wizard.test.ts keep
// one whole guided run, Ctrl+C, and the order of the guide on screen.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ALL_FAKE_SECRETS, FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { ENTER, choose, runInProcess } from '../helpers/in-process.js';
import { tempConfigDir } from '../helpers/cli.js';
import { type InveniasServer, existingApp, startInvenias } from '../helpers/invenias-server.js';

const EXPIRED_KEY = 'FAKE-invenias-expired-key-0007';
const SECRETS = [...ALL_FAKE_SECRETS, EXPIRED_KEY];
const USERNAME = 'cyclr.integration';
const EXISTING_APP = 'existing-app-0001';
const EXISTING_SECRET = `${FAKE.inveniasClientSecret}-existing`;
const UNLICENSED = 'former.admin';

let server: InveniasServer;

beforeAll(async () => {
  server = await startInvenias({
    subdomain: 'acme',
    adminKeys: [FAKE.inveniasApiKey],
    // docs/partners.md I-API-401-UNLICENSED: the second user gets a token, but its API calls are refused.
    users: [
      { username: USERNAME, password: FAKE.inveniasPassword },
      { username: UNLICENSED, password: FAKE.inveniasPassword, unlicensed: true },
    ],
    apps: [
      existingApp(EXISTING_APP, EXISTING_SECRET),
    ],
  });
});

afterAll(() => server.close());

// BROWSER=none: the wizard must print the Swagger address, never launch anything.
const env = (configDir: string, extra: Record<string, string> = {}) => ({ CONNECTOR_SETUP_CONFIG_DIR: configDir, BROWSER: 'none', ...extra });

/** "I already have an application" with the stand-in's existing one. */
const EXISTING = ['acme', 'existing', EXISTING_APP, EXISTING_SECRET];

function savedProfile(configDir: string) {
  return JSON.parse(readFileSync(path.join(configDir, 'profiles.json'), 'utf8')).profiles.invenias.default;
}

describe('connector-setup invenias, asked', () => {
  test('a second API Key refused: both meanings are said, every answer is kept, and a third key creates the application', async () => {
    const configDir = tempConfigDir();
    const createsBefore = server.createRequests().length;
    const result = await runInProcess(['invenias', '--base-url', server.origin, '--subdomain', 'acme'], {
      env: env(configDir),
      // docs/partners.md I-CREATE-401: an expired key and an account that lost its licence or group both give 401.
      answers: ['create', 'Second', 'OneYear', 'acme.cyclr.com', EXPIRED_KEY, true, EXPIRED_KEY, choose('Paste another API Key'), FAKE.inveniasApiKey, USERNAME, FAKE.inveniasPassword, 'done'],
    });
    expect(result.code).toBe(0);
    expect(result.asked).toEqual([
      'Application',
      'Application Name',
      'Expiration',
      'Cyclr Service Domain',
      'API Key',
      'Create this application?',
      'A fresh API Key',
      'What now?',
      'A fresh API Key',
      'Username',
      'Password',
      'Take the values to Cyclr',
    ]);
    const said = result.stderr.replace(/\s+/g, ' ');
    expect(said).toContain('Invenias refused this API Key too; nothing was created.');
    expect(said).toContain('a key that expired (each lives 3 minutes from the double-click)');
    expect(said).toContain('an account that can no longer use the API (its licence removed, disabled, or no longer in the System Administrator permission group)');
    const created = server.createRequests().slice(createsBefore).map((request) => JSON.parse(request.body));
    expect(created).toHaveLength(3);
    expect(created.at(-1)).toEqual({ Expiration: 'OneYear', Name: 'Second', ReplyUrl: 'https://acme.cyclr.com/connector/callback', FlowType: 'ResourceOwner' });
    expect(savedProfile(configDir).values.appName).toBe('Second');
    expectNoSecrets(result.stdout + result.stderr, SECRETS);
  });

  test('a second API Key refused, then Quit: exit 1 with both meanings, nothing created', async () => {
    const createsBefore = server.createRequests().length;
    const result = await runInProcess(['invenias', '--base-url', server.origin, '--subdomain', 'acme'], {
      env: env(tempConfigDir()),
      answers: ['create', ENTER, ENTER, 'acme.cyclr.com', EXPIRED_KEY, true, EXPIRED_KEY, choose('Quit')],
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[api_key_rejected]');
    expect(result.stderr.replace(/\s+/g, ' ')).toContain('If more than 3 minutes passed since you double-clicked the API Key box');
    expect(server.createRequests().length).toBe(createsBefore + 2);
    expectNoSecrets(result.stdout + result.stderr, SECRETS);
  });

  test('"I already have an application", a mistyped password, then the right one', async () => {
    const configDir = tempConfigDir();
    const createsBefore = server.createRequests().length;
    const result = await runInProcess(['invenias', '--base-url', server.origin], {
      env: env(configDir),
      answers: [...EXISTING, USERNAME, FAKE.wrongSecret, choose('Change the values I entered'), ENTER, FAKE.inveniasPassword, choose('Done')],
    });
    expect(result.code).toBe(0);
    expect(result.asked.slice(-3)).toEqual(['Username', 'Password (Enter keeps the saved one)', 'Take the values to Cyclr']);
    expect(result.stderr).toContain('Invenias rejected the Username or Password');
    expect(result.stderr).toContain('not single sign-on');
    expect(result.stderr).toMatch(new RegExp(`Client ID\\s+${EXISTING_APP}`));
    expect(result.stderr).toContain('Invenias setup verified');
    expect(result.stderr).not.toContain('The application expires on');
    expect(result.asked).not.toContain('API Key');
    expect(server.createRequests().length).toBe(createsBefore);
    expect(savedProfile(configDir).values).toMatchObject({ clientId: EXISTING_APP, username: USERNAME });
    expectNoSecrets(result.stdout + result.stderr, SECRETS);
  });

  test('a user who gets a token but is not licensed: user_not_licensed, and changing the values asks for the user again', async () => {
    const result = await runInProcess(['invenias', '--base-url', server.origin], {
      env: env(tempConfigDir()),
      answers: [...EXISTING, UNLICENSED, FAKE.inveniasPassword, choose('Change the values I entered'), USERNAME, ENTER, choose('Done')],
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('licensed, enabled and in the System Administrator permission group');
    expect(result.stderr).toContain('Invenias issued a token, but refused an API call made with it');
    expect(result.asked.slice(-3)).toEqual(['Username', 'Password (Enter keeps the saved one)', 'Take the values to Cyclr']);
    expect(result.stderr).toMatch(new RegExp(`Username\\s+${USERNAME}`));
    expectNoSecrets(result.stdout + result.stderr, SECRETS);
  });

  test('Invenias refuses the request (400): its messages are shown and the values can be changed', async () => {
    const configDir = tempConfigDir();
    // docs/partners.md I-CREATE-400 (shape assumed): no Name limit is documented, so the refusal is scripted.
    server.script({ status: 400, body: { Message: 'The request is invalid.', ModelState: { 'request.Name': ['The Name is not valid.'] } } });
    const result = await runInProcess(['invenias', '--base-url', server.origin, '--subdomain', 'acme'], {
      env: env(configDir, { INVENIAS_API_KEY: FAKE.inveniasApiKey }),
      answers: [
        'An application name Invenias refuses',
        ENTER,
        'acme.cyclr.com',
        true,
        true,
        'Cyclr',
        'TwoYears',
        ENTER,
        true,
        USERNAME,
        FAKE.inveniasPassword,
        choose('Done'),
      ],
    });
    expect(result.code).toBe(0);
    expect(result.asked).toContain('Change the Name, Expiration or Service Domain and try again?');
    expect(result.stderr).toContain('request.Name: The Name is not valid.');
    expect(result.stderr).toContain('"Expiration": "TwoYears"');
    const profile = savedProfile(configDir);
    expect(profile.values).toMatchObject({ appName: 'Cyclr', expiration: 'TwoYears', serviceDomain: 'acme.cyclr.com' });
    expect(server.apps.get(profile.values.clientId)?.name).toBe('Cyclr');
    expectNoSecrets(result.stdout + result.stderr, SECRETS);
  });
});

describe('a create at a terminal whose output a program reads', () => {
  test.each([
    ['--json', ['--json'], {}],
    ['CI set', [], { CI: 'true' }],
  ] as const)('with %s: the application is created, verified and saved, and the run ends at its summary without the hand-off', async (_name, flags, extra) => {
    const configDir = tempConfigDir();
    const result = await runInProcess(['invenias', '--base-url', server.origin, '--subdomain', 'acme', '--app-name', 'Scripted', '--expiration', 'OneYear', '--username', USERNAME, ...flags], {
      env: env(configDir, { INVENIAS_API_KEY: FAKE.inveniasApiKey, CYCLR_SERVICE_DOMAIN: 'acme.cyclr.com', INVENIAS_PASSWORD: FAKE.inveniasPassword, ...extra }),
      answers: [true],
    });
    expect(result.code).toBe(0);
    expect(result.asked).toEqual(['Create this application?']);
    expect(savedProfile(configDir).values.appName).toBe('Scripted');
    expectNoSecrets(result.stdout + result.stderr, SECRETS);
  });
});
