// `connector-setup connectors`: what a user reads to learn which values each connector needs.
import { describe, expect, test } from '@jest/globals';
import { runCli } from '../helpers/cli.js';

describe('connector-setup connectors', () => {
  test('lists every connector with its fields, flags, variables and extra flags', async () => {
    const result = await runCli(['connectors']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('pingone  PingOne');
    expect(result.stdout).toContain('invenias  Invenias');
    expect(result.stdout).toMatch(/Client Secret\s+--client-secret-stdin, PINGONE_CLIENT_SECRET/);
    expect(result.stdout).toContain('--authorization-url <url>');
    expect(result.stdout).toContain('--renew');
  });

  test('--json gives the same as one document', async () => {
    const result = await runCli(['connectors', '--json']);
    expect(result.code).toBe(0);
    const { connectors } = JSON.parse(result.stdout) as { connectors: { name: string; fields: { key: string; env: string }[]; flags: { flag: string }[] }[] };
    expect(connectors.map((connector) => connector.name)).toEqual(['pingone', 'invenias']);
    const pingone = connectors[0];
    expect(pingone?.fields.map((field) => field.env).filter(Boolean)).toEqual([
      'PINGONE_CLIENT_ID',
      'PINGONE_CLIENT_SECRET',
      'PINGONE_AUTH_DOMAIN',
      'PINGONE_ENVIRONMENT_ID',
      'PINGONE_ADMIN_CLIENT_ID',
      'PINGONE_ADMIN_CLIENT_SECRET',
      'PINGONE_ADMIN_PROFILE',
      'PINGONE_ADMIN_ENVIRONMENT_ID',
      'PINGONE_API_URL',
    ]);
    expect(pingone?.flags.map((flag) => flag.flag)).toEqual(['--authorization-url <url>', '--create', '--dry-run', '--rotate', '--keep-previous <hours>', '--finish', '--save-admin', '--secret-out <file>']);
  });
});
