// Servers that echo the secret they were sent, in every encoding, cut at every length, in 5xx bodies, a 503 that
// repeats, and OAuth error answers: not 8 characters of any secret reach stdout, stderr, the JSON document, the JUnit
// report or any file the tool writes, secrets.json aside.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { type CliResult, runCli, tempConfigDir } from '../helpers/cli.js';
import { expectNoStackTrace } from '../helpers/cli-process.js';
import { type RecordedRequest, type TestServer, sendJson, startHttpsServer } from '../helpers/https-server.js';
import { seedProfiles } from '../helpers/profiles.js';
import { echoes, expectNoFragments, fragments } from '../helpers/secret-echoes.js';
import type { ServerResponse } from 'node:http';

type Answer = (response: ServerResponse, said: string) => void;

/** How a server says it: each carries the echo where a user or a script would read it. */
const ANSWERS: Record<string, Answer> = {
  '500 with a JSON message': (response, said) => sendJson(response, 500, { message: `bad secret ${said}` }),
  '500 as plain text': (response, said) => {
    response.writeHead(500, { 'content-type': 'text/plain' });
    response.end(said);
  },
  '503, every time': (response, said) => sendJson(response, 503, { message: said }),
  '400 with an OAuth error_description': (response, said) => sendJson(response, 400, { error: 'invalid_request', error_description: `you sent ${said}` }),
  '401 with an OAuth error that is not a code': (response, said) => sendJson(response, 401, { error: `bad ${said}`, error_description: 'no' }),
};

/** The echo for each profile, by its Environment ID. */
const plan = new Map<string, { answer: Answer; echo: (secret: string, clientId: string) => string }>();
let server: TestServer;

beforeAll(async () => {
  server = await startHttpsServer((request: RecordedRequest, response) => {
    const environmentId = request.url.split('/')[1] ?? '';
    const planned = plan.get(environmentId);
    if (request.method !== 'POST' || !planned) return sendJson(response, 404, { message: 'not here' });
    const form = new URLSearchParams(request.body);
    planned.answer(response, planned.echo(form.get('client_secret') ?? '', form.get('client_id') ?? ''));
  });
});

afterAll(async () => {
  await server.close();
});

const environmentIdOf = (index: number): string => `cd91070f-c371-480e-80b2-${String(index).padStart(12, '0')}`;
const clientIdOf = (index: number): string => `11111111-2222-4333-8444-${String(index).padStart(12, '0')}`;

interface Case {
  name: string;
  secret: string;
  answer: Answer;
  echo: (secret: string, clientId: string) => string;
}

/** Every encoding and fragment under every answer, plus the secret padded to end at each length around a 200 cut. */
function allCases(): Case[] {
  const cases: Case[] = [];
  let index = 0;
  const secretOf = (): string => `FAKE+Echo/${String(index).padStart(3, '0')}=s&"q"~Zq8xK2mV`;
  for (const [answerName, answer] of Object.entries(ANSWERS)) {
    for (const name of [...Object.keys(echoes('x')), ...Object.keys(fragments('FAKE-0123456789'))]) {
      cases.push({ name: `${answerName}: ${name}`, secret: secretOf(), answer, echo: (secret, clientId) => ({ ...echoes(secret, clientId), ...fragments(secret) })[name] ?? '' });
      index += 1;
    }
    for (let end = 190; end <= 210; end += 1) {
      cases.push({ name: `${answerName}: padded to end at ${end}`, secret: secretOf(), answer, echo: (secret) => `${'x'.repeat(Math.max(0, end - secret.length))}${secret}` });
      index += 1;
    }
  }
  return cases;
}

/** Saves one PingOne profile per case, each pointed at the hostile server with its own environment. */
async function seed(configDir: string, cases: readonly Case[], first = 0): Promise<void> {
  await seedProfiles(
    configDir,
    cases.map((entry, offset) => {
      const index = first + offset;
      plan.set(environmentIdOf(index), entry);
      return {
        connector: 'pingone',
        name: `echo-${String(index).padStart(3, '0')}`,
        values: { clientId: clientIdOf(index), authDomain: server.hostPort, environmentId: environmentIdOf(index) },
        secrets: { clientSecret: entry.secret },
      };
    }),
  );
}

/** Every file under the config directory but the secret store, and the report. */
function writtenFiles(configDir: string, ...more: string[]): Array<[string, string]> {
  const files: Array<[string, string]> = [];
  const walk = (directory: string): void => {
    for (const name of readdirSync(directory)) {
      const file = path.join(directory, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (name !== 'secrets.json') files.push([file, readFileSync(file, 'utf8')]);
    }
  };
  walk(configDir);
  for (const file of more) files.push([file, readFileSync(file, 'utf8')]);
  return files;
}

function expectNothingLeaked(result: CliResult, files: Array<[string, string]>, cases: readonly Case[]): void {
  const secrets = cases.map((entry) => entry.secret);
  expect(result.signal).toBeNull();
  expectNoStackTrace(result.stderr);
  expectNoFragments(result.stdout, secrets, 'stdout');
  expectNoFragments(result.stderr, secrets, 'stderr');
  for (const [file, text] of files) expectNoFragments(text, secrets, file);
  // Nor any whole encoding of one, where a reader could decode it.
  for (const entry of cases) {
    for (const [name, form] of Object.entries(echoes(entry.secret))) {
      if (form.length < 12) continue;
      for (const [where, text] of [['stdout', result.stdout], ['stderr', result.stderr], ...files]) {
        if (text?.includes(form)) throw new Error(`${where} holds the secret as ${name}`);
      }
    }
  }
}

describe('a server that echoes the secret it was sent', () => {
  const cases = allCases();

  test(`verify --all --json --junit over ${cases.length} profiles: no part of any secret in the output, the JSON or the report`, async () => {
    const configDir = tempConfigDir();
    await seed(configDir, cases);
    const report = path.join(tempConfigDir(), 'reports', 'verify.xml');
    const result = await runCli(['verify', '--all', '--json', '--junit', report], { configDir, timeoutMs: 120_000 });
    expect(result.code).toBe(1);
    const document = JSON.parse(result.stdout) as { results: Array<{ ok: boolean; error: { code: string; message: string } }> };
    expect(document.results).toHaveLength(cases.length);
    expect(document.results.every((entry) => !entry.ok)).toBe(true);
    // The echo is there, redacted: the server's words are kept around it.
    expect(document.results.some((entry) => entry.error.message.includes('[redacted]'))).toBe(true);
    const xml = readFileSync(report, 'utf8');
    expect(xml).toContain(`<testsuites name="connector-setup verify" tests="${cases.length}"`);
    expect(xml).toContain('[redacted]');
    expectNothingLeaked(result, writtenFiles(configDir, report), cases);
  });

  test('verify --all (the table on stdout) --junit: the same, and an OAuth error that is not a code is not repeated', async () => {
    const configDir = tempConfigDir();
    const chosen = cases.filter((entry, index) => index % 5 === 0 || entry.name.startsWith('401'));
    await seed(configDir, chosen, 1000);
    const report = path.join(tempConfigDir(), 'verify.xml');
    const result = await runCli(['verify', '--all', '--junit', report], { configDir, timeoutMs: 120_000 });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^PROFILE\s+RESULT/);
    expect(result.stdout).toContain('PingOne refused the token request.');
    expect(result.stdout).not.toMatch(/refused the token request \(bad/);
    expectNothingLeaked(result, writtenFiles(configDir, report), chosen);
  });

  test.each([
    ['500 with a JSON message', 'padded to end at 201', 3],
    ['503, every time', 'padded to end at 201', 3],
    ['400 with an OAuth error_description', 'a prefix of 12', 1],
  ])('pingone --verify, %s (%s): stderr and --json say [redacted] and nothing of the secret', async (answerName, echoName, code) => {
    const entry = cases.find((candidate) => candidate.name === `${answerName}: ${echoName}`);
    if (!entry) throw new Error(`no case ${answerName}: ${echoName}`);
    plan.set(environmentIdOf(2000), entry);
    const env = { PINGONE_CLIENT_SECRET: entry.secret, PINGONE_ENVIRONMENT_ID: environmentIdOf(2000) };
    for (const json of [[], ['--json']]) {
      const configDir = tempConfigDir();
      const result = await runCli(['pingone', '--verify', '--client-id', clientIdOf(2000), '--auth-domain', server.hostPort, ...json], { env, configDir });
      expect(result.code).toBe(code);
      expect(result.stdout + result.stderr).toContain('[redacted]');
      expectNothingLeaked(result, writtenFiles(configDir), [entry]);
    }
  });
});

/** Secrets as real ones look: letters, digits and the punctuation client secrets and passwords are made of. */
const secretText = fc.string({ unit: fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789-_.~+/=!@#$%^&*'), minLength: 8, maxLength: 48 });

describe('property: over random secrets, paddings, encodings and cuts', () => {
  test('no 8 characters of the secret in stdout, stderr, the JSON, the JUnit report or any file written', async () => {
    const echoNames = [...Object.keys(echoes('x')), ...Object.keys(fragments('FAKE-0123456789'))];
    let run = 3000;
    await fc.assert(
      fc.asyncProperty(
        secretText,
        fc.constantFrom(...Object.keys(ANSWERS)),
        fc.constantFrom(...echoNames),
        fc.nat({ max: 260 }),
        fc.nat({ max: 40 }),
        async (secret, answerName, echoName, padding, after) => {
          run += 1;
          const entry: Case = {
            name: `${answerName}: ${echoName}`,
            secret,
            answer: ANSWERS[answerName] ?? (() => undefined),
            echo: (sent, clientId) => `${'p'.repeat(padding)}${({ ...echoes(sent, clientId), ...fragments(sent) })[echoName] ?? ''}${'q'.repeat(after)}`,
          };
          const configDir = tempConfigDir();
          await seed(configDir, [entry], run);
          const report = path.join(configDir, 'report.xml');
          const result = await runCli(['verify', '--all', '--json', '--junit', report], { configDir });
          expect([1, 3]).toContain(result.code);
          expectNothingLeaked(result, writtenFiles(configDir), [entry]);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('a secret too short to be kept out of the output', () => {
  test('a 3-character Client Secret is refused before anything is sent: exit 2, and the message names no value', async () => {
    const before = server.requests.length;
    const env = { PINGONE_CLIENT_SECRET: 'a1b', PINGONE_ENVIRONMENT_ID: environmentIdOf(2001) };
    const result = await runCli(['pingone', '--verify', '--client-id', clientIdOf(2001), '--auth-domain', server.hostPort], { env, configDir: tempConfigDir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is 3 characters long; a secret has at least 4.');
    expect(result.stderr).not.toContain('a1b');
    expect(server.requests.length).toBe(before);
  });
});
