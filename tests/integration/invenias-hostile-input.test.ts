// Hostile Invenias input from a hand-edited profile, and what a terminal shows of a hostile value: refused with
// exit 2, before anything is sent (the origin counts every request). The hostile flags, variables and stdin of every
// connector, Invenias' own cases included (tests/kits/invenias.ts), are in hostile-input.test.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type CliResult, runCli, tempConfigDir } from '../helpers/cli.js';
import { FAKE } from '../helpers/fixtures.js';
import { type InveniasFaultServer, startInveniasFaults } from '../helpers/invenias-faults.js';
import { inveniasKit } from '../kits/invenias.js';
import { type HostileCase, runKit } from '../kits/kit.js';

const CLIENT_ID = '2f6d8a1e-5b7c-4d3e-8f9a-0b1c2d3e4f50';

let server: InveniasFaultServer;
beforeAll(async () => {
  server = await startInveniasFaults();
});
afterAll(() => server.close());

/** A run with the kit's good values (a setup that would create an application), overridden by the case. */
function run(testCase: Omit<HostileCase, 'what' | 'names'>, json = true): Promise<CliResult> {
  return runKit(inveniasKit, server, testCase, { json });
}

describe('invenias: a hand-edited profile is read as carefully as a flag', () => {
  test('a NUL byte in a hand-edited profile\'s subdomain: exit 2 naming the profile file, nothing sent', async () => {
    const configDir = tempConfigDir();
    const saved = await runCli(['invenias', '--no-input', '--subdomain', 'acme', '--base-url', server.origin, '--client-id', CLIENT_ID, '--username', 'cyclr.integration'], {
      env: { INVENIAS_CLIENT_SECRET: FAKE.inveniasClientSecret, INVENIAS_PASSWORD: FAKE.inveniasPassword, CONNECTOR_SETUP_SECRET_STORE: 'file' },
      configDir,
    });
    expect(saved.code).toBe(0);
    const file = path.join(configDir, 'profiles.json');
    const profiles = JSON.parse(readFileSync(file, 'utf8'));
    profiles.profiles.invenias.default.values.subdomain = 'acme\u0000.evil';
    writeFileSync(file, JSON.stringify(profiles));
    const before = server.requests.length;
    const result = await runCli(['invenias', '--verify', '--json'], { configDir });
    expect(result.code).toBe(2);
    const { error } = JSON.parse(result.stdout) as { error: { code: string; message: string } };
    expect(error.code).toBe('config_damaged');
    expect(error.message).toContain(`The profile file ${file} is damaged: profile "default" of "invenias": Subdomain`);
    expect(server.requests.length).toBe(before);
  });
});

describe('invenias: in a terminal', () => {
  test('a hostile application name never reaches the terminal raw', async () => {
    const result = await run({ flags: { '--app-name': 'Integration\x1b]0;pwned\x07\x1b[2J' } }, false);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Application name contains a control character');
    expect(result.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });
});
