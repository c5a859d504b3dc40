// Most suites run the CLI in-process (tests/helpers/cli.ts runCli). That is only a fair stand-in for the command a
// user runs if both give the same bytes and exit code: these command lines run both ways and are compared, the
// built bin/connector-setup.js in a process of its own against program.ts in this one.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { type CliResult, runCli, runCliProcess, tempConfigDir } from '../helpers/cli.js';
import { FAKE } from '../helpers/fixtures.js';
import { type PingOneServer, startPingOne } from '../helpers/pingone-server.js';

let server: PingOneServer;

beforeAll(async () => {
  server = await startPingOne([{ clientId: FAKE.clientId, clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId }]);
});

afterAll(() => server.close());

/** Request timings, scratch paths and the stand-in's correlation IDs differ between any two runs; nothing else may. */
function comparable(result: CliResult, configDir: string): { code: number | null; stdout: string; stderr: string } {
  const normalise = (text: string) =>
    text
      .replaceAll(configDir, '<config>')
      .replace(/"ms": \d+/g, '"ms": 0')
      .replace(/\(\d+ ms\)/g, '(0 ms)')
      .replace(/Correlation ID: [0-9a-f-]{36}/g, 'Correlation ID: <id>');
  return { code: result.code, stdout: normalise(result.stdout), stderr: normalise(result.stderr) };
}

/** Stands for the stand-in's host:port, known only once it has started. */
const STAND_IN = '<stand-in>';

const verify = (secret: string) => ({
  args: ['pingone', '--verify', '--client-id', FAKE.clientId, '--auth-domain', STAND_IN, '--environment-id', FAKE.environmentId, '--client-secret-stdin'],
  stdin: `${secret}\n`,
});

const CASES: Array<{ name: string; args: string[]; stdin?: string; env?: Record<string, string> }> = [
  { name: '--version', args: ['--version'] },
  { name: 'a usage error, --json', args: ['pingone', '--no-such-flag', '--json'] },
  { name: 'a secret given as a flag', args: ['pingone', '--client-secret', FAKE.clientSecret] },
  { name: 'verified', ...verify(FAKE.clientSecret) },
  { name: 'verified, --json', ...verify(FAKE.clientSecret), args: [...verify(FAKE.clientSecret).args, '--json'] },
  { name: 'refused', ...verify(FAKE.wrongSecret) },
  { name: 'verify --all, nothing saved', args: ['verify', '--all', '--json'] },
];

test.each(CASES)('$name: the same exit code, stdout and stderr in-process as from bin/connector-setup.js', async (entry) => {
  const args = entry.args.map((arg) => (arg === STAND_IN ? server.hostPort : arg));
  const [inProcess, ownProcess] = await Promise.all(
    [runCli, runCliProcess].map(async (run) => {
      const configDir = tempConfigDir();
      return comparable(await run(args, { configDir, ...(entry.stdin ? { stdin: entry.stdin } : {}), ...(entry.env ? { env: entry.env } : {}) }), configDir);
    }),
  );
  expect(inProcess).toEqual(ownProcess);
  expect(`${ownProcess?.stdout}${ownProcess?.stderr}`).not.toContain(FAKE.clientSecret);
});
