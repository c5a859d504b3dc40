// Words from a server or from disk never steer the terminal: no escape sequence (concealed text, colours, cursor
// moves), no bidirectional override, no line break that would let a server print a line that looks like ours.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { runCli, tempConfigDir } from '../helpers/cli.js';
import { expectNoStackTrace } from '../helpers/cli-process.js';
import { type TestServer, sendJson, startHttpsServer } from '../helpers/https-server.js';
import { seedInveniasProfile, seedProfiles } from '../helpers/profiles.js';
import { startPtyClosedAfterEach } from '../helpers/pty.js';
import { FAKE } from '../helpers/fixtures.js';

const startPty = startPtyClosedAfterEach();

/** What a hostile server or a hand-edited file would slip in: a fake success line, concealed text, reversed text. */
const HOSTILE = 'careful\n✔ Token request passed\r\u001b[8mconcealed\u001b[0m \u001b]0;title\u0007\u202eesrever\u202c \u2066isolated\u2069 \u009b2Jend';
// eslint-disable-next-line no-control-regex
const STEERING = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

function expectNothingSteers(text: string): void {
  const found = STEERING.exec(text);
  if (found) throw new Error(`the output holds U+${(found[0].codePointAt(0) ?? 0).toString(16).padStart(4, '0')}:\n${JSON.stringify(text)}`);
  expect(text).not.toMatch(/^\s*✔ Token request passed/m);
}

let server: TestServer;
const answers = new Map<string, () => [number, unknown]>([
  ['500', () => [500, { message: HOSTILE }]],
  ['400', () => [400, { error: 'invalid_request', error_description: HOSTILE }]],
  ['401', () => [401, { error: `\u001b[8m${HOSTILE}`, error_description: 'no' }]],
]);

beforeAll(async () => {
  server = await startHttpsServer((request, response) => {
    const answer = answers.get(request.url.split('/')[1]?.slice(-3) ?? '');
    if (!answer) return sendJson(response, 404, { message: 'not here' });
    const [status, body] = answer();
    sendJson(response, status, body);
  });
});
afterAll(async () => {
  await server.close();
});

describe('a server whose words try to steer the terminal', () => {
  test.each([
    ['500 with a message', '500', 3],
    ['400 with an OAuth error_description', '400', 1],
    ['401 with an OAuth error that is not a code', '401', 1],
  ])('pingone --verify, %s: its words on one line, without escapes or overrides, in the text and in --json', async (_name, status, code) => {
    for (const json of [[], ['--json']]) {
      const result = await runCli(
        ['pingone', '--verify', '--client-id', FAKE.clientId, '--auth-domain', server.hostPort, ...json],
        { env: { PINGONE_CLIENT_SECRET: FAKE.clientSecret, PINGONE_ENVIRONMENT_ID: `cd91070f-c371-480e-80b2-000000000${status}` }, configDir: tempConfigDir() },
      );
      expect(result.code).toBe(code);
      expectNoStackTrace(result.stderr);
      expectNothingSteers(result.stdout);
      expectNothingSteers(result.stderr);
      if (json.length > 0) JSON.parse(result.stdout);
    }
  });

  test('verify --all in a real terminal: the only escape sequences are our own colours', async () => {
    const configDir = tempConfigDir();
    await seedProfiles(
      configDir,
      ['500', '400', '401'].map((status) => ({
        connector: 'pingone',
        name: `hostile-${status}`,
        values: { clientId: FAKE.clientId, authDomain: server.hostPort, environmentId: `cd91070f-c371-480e-80b2-000000000${status}` },
        secrets: { clientSecret: FAKE.clientSecret },
      })),
    );
    const terminal = startPty(['verify', '--all'], { CONNECTOR_SETUP_CONFIG_DIR: configDir, CONNECTOR_SETUP_SECRET_STORE: 'file' });
    expect(await terminal.exit).toBe(1);
    const raw = terminal.raw();
    expect(raw).toContain('hostile-500');
    for (const sequence of ['\u001b[8m', '\u001b]0;', '\u009b2J', '\u202e', '\u2066', 'careful\r', 'careful\n']) expect(raw).not.toContain(sequence);
    expect(terminal.screen()).not.toMatch(/^\s*✔ Token request passed/m);
  });
});

describe('saved values that try to steer the terminal', () => {
  test('profiles show and list: a hand-edited profiles.json with escapes and overrides prints none of them', async () => {
    const configDir = await seedInveniasProfile();
    const file = path.join(configDir, 'profiles.json');
    const saved = readFileSync(file, 'utf8');
    writeFileSync(file, saved.replace('cyclr@acme.example', `cyclr@acme.example${JSON.stringify(HOSTILE).slice(1, -1)}`));
    expect(readFileSync(file, 'utf8')).toContain('\\u001b[8m');
    for (const args of [['profiles', 'show', 'invenias', 'acme'], ['profiles', 'list'], ['profiles', 'show', 'invenias', 'acme', '--json']]) {
      const result = await runCli(args, { configDir });
      expectNoStackTrace(result.stderr);
      expectNothingSteers(result.stdout);
      expectNothingSteers(result.stderr);
    }
  });
});
