// Ctrl+C while a request to the partner is in flight, for every connector (tests/kits): the run ends with exit 130
// on its own (long before any time limit), says so in its one JSON document, and writes no profile file. The runs
// are in this process (pressCtrlC); interrupt.test.ts sends real signals to the built CLI.
import { afterAll, describe, expect, test } from '@jest/globals';
import { configFiles, tempConfigDir } from '../helpers/cli.js';
import { expectNoStackTrace } from '../helpers/cli-process.js';
import { FAKE_ACCESS_TOKEN, faults, startFaultServer } from '../helpers/fault-server.js';
import { ALL_FAKE_SECRETS, expectNoSecrets } from '../helpers/fixtures.js';
import type { TestServer } from '../helpers/https-server.js';
import { pressCtrlC } from '../helpers/in-process.js';
import { KIT_SECRETS, kits } from '../kits/index.js';
import { type KitMode, runKit } from '../kits/kit.js';

const SECRETS = [...ALL_FAKE_SECRETS, FAKE_ACCESS_TOKEN, ...KIT_SECRETS];
const servers: TestServer[] = [];
afterAll(() => Promise.all(servers.map((server) => server.close())));

/** Ctrl+C as the terminal sends it, the moment the partner holds the request. */
async function interruptedRun(mode: KitMode, kit: (typeof kits)[number], configDir: string, json: boolean) {
  const server = await startFaultServer(faults.hang(pressCtrlC));
  servers.push(server);
  const result = await runKit(kit, server, { mode, extra: ['--timeout', '300'] }, { configDir, json });
  return { result, server };
}

describe.each(kits)('$connector.name: Ctrl+C while the partner holds a request', (kit) => {
  test('--verify --json: exit 130, "interrupted" in the one JSON document, nothing written', async () => {
    const configDir = tempConfigDir();
    const { result, server } = await interruptedRun('verify', kit, configDir, true);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(130);
    expect((JSON.parse(result.stdout) as { error: { code: string } }).error.code).toBe('interrupted');
    expect(server.requests).toHaveLength(1);
    expect(configFiles(configDir)).toEqual({});
    expectNoStackTrace(result.stderr);
    expectNoSecrets(result.stdout + result.stderr, SECRETS);
  });

  test('a setup (which would save): exit 130, "Interrupted" on stderr, no profile file at all', async () => {
    const configDir = tempConfigDir();
    const { result } = await interruptedRun('setup', kit, configDir, false);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('Interrupted');
    expect(configFiles(configDir)).toEqual({});
    expectNoStackTrace(result.stderr);
    expectNoSecrets(result.stdout + result.stderr, SECRETS);
  });
});
