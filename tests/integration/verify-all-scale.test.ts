// `verify --all` for a partner with hundreds of customer tenants: every profile checked, but no host crowded, no
// partner quota overrun, a PingOne 429 waited out, and one report and one save for the whole batch.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { runCli, tempConfigDir } from '../helpers/cli.js';
import { FAKE, expectNoSecrets } from '../helpers/fixtures.js';
import { type TestServer, sendJson, startHttpsServer } from '../helpers/https-server.js';
import { type SeedProfile, openStore, seedProfiles } from '../helpers/profiles.js';
import { startPtyClosedAfterEach } from '../helpers/pty.js';

const startPty = startPtyClosedAfterEach();
const secretOf = (index: number): string => `FAKE-scale-secret-do-not-use-${String(index).padStart(4, '0')}`;
const passwordOf = (index: number): string => `FAKE-scale-password-${String(index).padStart(4, '0')}`;

function pingoneProfile(index: number, authDomain: string): SeedProfile {
  return {
    connector: 'pingone',
    name: `customer-${String(index).padStart(4, '0')}`,
    values: { clientId: `cccccccc-0000-4000-8000-${String(index).padStart(12, '0')}`, authDomain, environmentId: FAKE.environmentId },
    secrets: { clientSecret: secretOf(index) },
  };
}

function inveniasProfile(index: number, tenant: TestServer): SeedProfile {
  return {
    connector: 'invenias',
    name: `tenant-${String(index).padStart(4, '0')}`,
    values: { subdomain: 'acme', clientId: `9a0c4e1b-0d6f-4c3e-9a61-${String(index).padStart(12, '0')}`, username: `cyclr${index}@acme.example`, serviceDomain: 'api.cyclr.com', baseUrl: tenant.origin },
    secrets: { clientSecret: secretOf(index), password: passwordOf(index) },
    expiresOn: new Date(Date.now() + 400 * 24 * 60 * 60 * 1000).toISOString(),
  };
}

/**
 * A token endpoint that holds each request until `together` are in flight (or every one it expects has come), then
 * answers them all: the most requests the CLI ever has open to it at once is what it sees.
 */
async function crowdedTokenEndpoint(together: number, total: number) {
  let inFlight = 0;
  let mostAtOnce = 0;
  let arrived = 0;
  const waiting: Array<() => void> = [];
  const server = await startHttpsServer(async (_request, response) => {
    arrived += 1;
    inFlight += 1;
    mostAtOnce = Math.max(mostAtOnce, inFlight);
    await new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (inFlight >= together || arrived >= total) waiting.splice(0).forEach((release) => release());
    });
    inFlight -= 1;
    sendJson(response, 200, { access_token: 'FAKE-access-token-0042', token_type: 'Bearer', expires_in: 3600 });
  });
  return { server, mostAtOnce: () => mostAtOnce, arrived: () => arrived };
}

/**
 * An Invenias tenant that enforces its published quota (docs/partners.md I-RATE-LIMIT): `left` API calls remain in
 * the window, each answer says how many are left, and past 0 it answers 429. Token requests are not counted (assumed).
 */
async function quotaEnforcingTenant(left: number) {
  let remaining = left;
  const answered = { tokens: 0, apiCalls: 0, tooMany: 0 };
  const server = await startHttpsServer((request, response) => {
    if (request.url.startsWith('/identity/connect/token')) {
      answered.tokens += 1;
      return sendJson(response, 200, { access_token: 'FAKE-invenias-token-0042', token_type: 'Bearer', expires_in: 86400 });
    }
    if (remaining === 0) {
      answered.tooMany += 1;
      return sendJson(response, 429, { Message: 'API calls quota exceeded' });
    }
    remaining -= 1;
    answered.apiCalls += 1;
    sendJson(response, 200, { Items: [{ CountryCode: 'GB', CountryName: 'UNITED KINGDOM' }] }, { 'x-request-quota-remaining': String(remaining) });
  });
  return { server, answered };
}

const SECRETS = Array.from({ length: 400 }, (_, index) => [secretOf(index), passwordOf(index)]).flat();

describe('verify --all over many hosts', () => {
  test('no host has more than 8 requests open at once, while the batch as a whole has more; all pass', async () => {
    const hosts = [await crowdedTokenEndpoint(8, 40), await crowdedTokenEndpoint(8, 40)];
    try {
      const configDir = tempConfigDir();
      await seedProfiles(configDir, Array.from({ length: 80 }, (_, index) => pingoneProfile(index, (hosts[index % 2] as (typeof hosts)[number]).server.hostPort)));
      const result = await runCli(['verify', '--all', '--concurrency', '32', '--json'], { configDir });
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout).results).toHaveLength(80);
      for (const host of hosts) {
        expect(host.arrived()).toBe(40);
        expect(host.mostAtOnce()).toBe(8);
      }
      // One save for the batch: every profile has its last-verified time.
      const saved = await openStore(configDir).list();
      expect(saved.every((profile) => profile.lastVerified !== null)).toBe(true);
    } finally {
      await Promise.all(hosts.map((host) => host.server.close()));
    }
  });

  test('an Invenias tenant with 5 calls left in its window: 5 profiles verified, the rest not sent, and no 429 earned', async () => {
    const scarce = await quotaEnforcingTenant(5);
    const ample = await quotaEnforcingTenant(3000);
    try {
      const configDir = tempConfigDir();
      await seedProfiles(configDir, [
        ...Array.from({ length: 12 }, (_, index) => inveniasProfile(index, scarce.server)),
        ...Array.from({ length: 12 }, (_, index) => inveniasProfile(100 + index, ample.server)),
      ]);
      const result = await runCli(['verify', '--all', '--json'], { configDir });
      expect(scarce.answered.tooMany).toBe(0);
      expect(ample.answered.tooMany).toBe(0);
      expect(scarce.answered.apiCalls).toBe(5);
      expect(ample.answered.apiCalls).toBe(12);
      const results = JSON.parse(result.stdout).results as { ok: boolean; error: { code: string; message: string } | null }[];
      expect(results.filter((entry) => entry.ok)).toHaveLength(17);
      const refused = results.filter((entry) => !entry.ok);
      expect(refused).toHaveLength(7);
      for (const entry of refused) {
        expect(entry.error?.code).toBe('rate_limited');
        expect(entry.error?.message).toMatch(/^Not sent: /);
      }
      expect(result.code).toBe(3);
      expectNoSecrets(result.stdout + result.stderr, SECRETS);
    } finally {
      await Promise.all([scarce.server.close(), ample.server.close()]);
    }
  });

  test('a PingOne 429 with Retry-After: 3 is waited out (on the run\'s clock), and every profile passes', async () => {
    let answered = 0;
    const server = await startHttpsServer((_request, response) => {
      answered += 1;
      if (answered === 1) return sendJson(response, 429, { code: 'REQUEST_LIMITED', message: 'Too many requests' }, { 'retry-after': '3' });
      sendJson(response, 200, { access_token: 'FAKE-access-token-0043', token_type: 'Bearer', expires_in: 3600 });
    });
    try {
      const configDir = tempConfigDir();
      await seedProfiles(configDir, Array.from({ length: 6 }, (_, index) => pingoneProfile(index, server.hostPort)));
      const result = await runCli(['verify', '--all', '--json'], { configDir });
      expect(result.code).toBe(0);
      expect(answered).toBe(7);
      expect(result.slept).toContain(3000);
    } finally {
      await server.close();
    }
  });
});

describe('what a batch of hundreds shows and writes', () => {
  test('150 profiles: the JUnit report is well-formed XML with a testcase each; piped, no progress line', async () => {
    const host = await crowdedTokenEndpoint(8, 150);
    try {
      const configDir = tempConfigDir();
      await seedProfiles(configDir, Array.from({ length: 150 }, (_, index) => pingoneProfile(index, host.server.hostPort)));
      const junit = path.join(configDir, 'reports', 'verify.xml');
      const result = await runCli(['verify', '--all', '--junit', junit], { configDir });
      expect(result.code).toBe(0);
      expect(result.stderr).not.toContain('Verifying profiles');
      expect(result.stdout + result.stderr).toContain('150 of 150 profiles passed');
      const count = (xpath: string): string => execFileSync('xmllint', ['--xpath', xpath, junit], { encoding: 'utf8' }).trim();
      expect(count('count(//testcase)')).toBe('150');
      expect(count('string(//testsuite/@tests)')).toBe('150');
      expect(count('count(//failure) + count(//error)')).toBe('0');
    } finally {
      await host.server.close();
    }
  });

  test('on a terminal, 40 profiles at once: the table and the tool\'s own words, no warning from Node', async () => {
    const host = await crowdedTokenEndpoint(8, 40);
    try {
      const configDir = tempConfigDir();
      await seedProfiles(configDir, Array.from({ length: 40 }, (_, index) => pingoneProfile(index, host.server.hostPort)));
      const terminal = startPty(['verify', '--all'], { CONNECTOR_SETUP_CONFIG_DIR: configDir });
      expect(await terminal.exit).toBe(0);
      expect(terminal.screen()).toContain('40 of 40 profiles passed');
      expect(terminal.screen()).not.toMatch(/Warning|node --trace/);
    } finally {
      await host.server.close();
    }
  });

  test('on a terminal with --json: the document only, no progress line', async () => {
    const host = await crowdedTokenEndpoint(2, 2);
    try {
      const configDir = tempConfigDir();
      await seedProfiles(configDir, [pingoneProfile(0, host.server.hostPort), pingoneProfile(1, host.server.hostPort)]);
      const terminal = startPty(['verify', '--all', '--json'], { CONNECTOR_SETUP_CONFIG_DIR: configDir });
      expect(await terminal.exit).toBe(0);
      expect(terminal.screen()).not.toContain('Verifying profiles');
      expect(terminal.screen()).toContain('"ok": true');
    } finally {
      await host.server.close();
    }
  });
});
