// The published shape: `npm pack`, then a production install of the tarball into an empty directory, and the
// CLI run from there. Proves dist/ bundles everything, the keychain code included: the package declares no runtime
// dependency, so the install is offline with an empty cache of its own and needs no registry.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ROOT, baseEnv, runCliProcess } from '../helpers/cli.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { type PingOneServer, startPingOne } from '../helpers/pingone-server.js';

// npm's own launcher is a .cmd file on Windows, which Node runs only through a shell.
const onWindows = process.platform === 'win32';

function npm(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(onWindows ? 'npm.cmd' : 'npm', args, { cwd, shell: onWindows, env: baseEnv(), encoding: 'utf8' }, (error, stdout, stderr) =>
      error ? reject(new Error(`npm ${args.join(' ')} failed: ${error.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

/** Packs a directory without running its scripts: dist/ is already built, and a rebuild would race the other tests. */
async function pack(directory: string, destination: string): Promise<string> {
  const [packed] = JSON.parse(await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', destination, directory], destination)) as { filename: string }[];
  return path.join(destination, packed?.filename ?? '');
}

let installDir: string;
let bin: string;
let server: PingOneServer;

beforeAll(async () => {
  const scratch = mkdtempSync(path.join(process.env.TEST_SCRATCH_DIR ?? os.tmpdir(), 'tarball-'));
  const tarballs = path.join(scratch, 'tarballs');
  mkdirSync(tarballs);
  const tarball = await pack(ROOT, tarballs);
  installDir = path.join(scratch, 'install');
  mkdirSync(installDir);
  writeFileSync(path.join(installDir, 'package.json'), '{"name":"tarball-test","private":true}');
  await npm(['install', '--offline', '--omit=dev', '--cache', path.join(scratch, 'npm-cache'), '--no-audit', '--no-fund', tarball], installDir);
  bin = path.join(installDir, 'node_modules/connector-setup/bin/connector-setup.js');
  server = await startPingOne([{ clientId: FAKE.clientId, clientSecret: FAKE.clientSecret, environmentId: FAKE.environmentId }]);
  // Two npm runs: a safety net for a loaded machine, not a timing assertion.
}, 180_000);

afterAll(() => server?.close());

describe('the packed tarball, installed without devDependencies', () => {
  test('declares no runtime dependency and installs no other package', () => {
    const manifest = JSON.parse(readFileSync(path.join(installDir, 'node_modules/connector-setup/package.json'), 'utf8')) as Record<string, unknown>;
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies', 'bundledDependencies']) expect(manifest[field]).toBeUndefined();
    const modules = path.join(installDir, 'node_modules');
    const installed = readdirSync(modules).filter((name) => !name.startsWith('.'));
    expect(installed).toEqual(['connector-setup']);
    expect(existsSync(path.join(modules, 'connector-setup/node_modules'))).toBe(false);
  });

  test('ships the licences of the packages its bundles contain', () => {
    const licences = readFileSync(path.join(installDir, 'node_modules/connector-setup/dist/THIRD-PARTY-LICENSES'), 'utf8');
    for (const name of ['@inquirer/prompts', 'chalk', 'commander', 'env-paths', 'p-limit', 'undici', 'wrap-ansi']) expect(licences).toMatch(new RegExp(`^${name}@\\d`, 'm'));
  });

  test('--version and --help', async () => {
    const version = await runCliProcess(['--version'], { bin });
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
    const help = await runCliProcess(['--help'], { bin });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('pingone');
    expect(help.stdout).toContain('invenias');
    expect(help.stderr).toBe('');
  });

  test('connectors lists both connectors', async () => {
    const result = await runCliProcess(['connectors'], { bin });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('pingone  PingOne');
    expect(result.stdout).toContain('invenias  Invenias');
  });

  test('pingone --verify gets a token from the test server', async () => {
    const result = await runCliProcess(['pingone', '--verify', '--json', '--client-id', FAKE.clientId, '--auth-domain', server.hostPort], {
      bin,
      env: { PINGONE_CLIENT_SECRET: FAKE.clientSecret, PINGONE_ENVIRONMENT_ID: FAKE.environmentId },
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, connector: 'pingone', error: null });
    expect(server.tokenRequests().length).toBeGreaterThan(0);
    expectNoSecrets(result.stdout + result.stderr);
  });

  test('the keychain code loads from the installed tree: with a bus nobody listens on a forced keychain refuses before anything is sent', async () => {
    const before = server.requests.length;
    const result = await runCliProcess(['pingone', '--no-input', '--client-id', FAKE.clientId, '--auth-domain', server.hostPort, '--environment-id', FAKE.environmentId, '--client-secret-stdin'], {
      bin,
      env: { CONNECTOR_SETUP_SECRET_STORE: 'keychain', DBUS_SESSION_BUS_ADDRESS: `unix:abstract=connector-setup-test-nobody-${process.pid}` },
      stdin: `${FAKE.clientSecret}\n`,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('keychain_unavailable');
    // The reason comes from the keychain code itself (dist/keychain.js): it loaded and tried the bus.
    expect(result.stderr).toMatch(/keychain is not available: cannot connect to the session bus at .*ECONNREFUSED/i);
    expect(server.requests.length).toBe(before);
    expectNoSecrets(result.stdout + result.stderr);
  });
});
