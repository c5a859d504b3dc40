// Hints that can be followed as written: each field's own example, a Fix for an empty value, a unit for a limit.
import { describe, expect, test } from '@jest/globals';
import { runCli } from '../helpers/cli.js';

const invenias = ['invenias', '--no-input', '--subdomain', 'acme'];

async function failure(args: string[], stdin = ''): Promise<string> {
  const result = await runCli(args, { stdin });
  expect(result.code).toBe(2);
  return result.stderr;
}

describe('hints name the field\'s own value, not another connector\'s', () => {
  test('--service-domain https://api.cyclr.com/x: the fix is the host alone', async () => {
    const stderr = await failure([...invenias, '--service-domain', 'https://api.cyclr.com/x']);
    expect(stderr).toContain('Fix: Leave out everything after the host: api.cyclr.com.');
    expect(stderr).not.toContain('pingone');
  });

  test('--base-url https://host/nope: the fix is the origin alone', async () => {
    const stderr = await failure([...invenias, '--service-domain', 'api.cyclr.com', '--base-url', 'https://host/nope']);
    expect(stderr).toContain('Base URL must be https:// and a host only, without a path or query.');
    expect(stderr).toContain('Fix: Leave out everything after the host: https://host.');
  });

  test('a Service Domain that is not a host at all: a Cyclr example', async () => {
    const stderr = await failure([...invenias, '--service-domain', 'a b/x']);
    expect(stderr).toContain('Fix: For example api.cyclr.com.');
  });

  test('a Base URL without https://: an Invenias example', async () => {
    const stderr = await failure([...invenias, '--service-domain', 'api.cyclr.com', '--base-url', 'acme.invenias.com']);
    expect(stderr).toContain('Fix: For example https://acme.invenias.com.');
  });

  test('an empty API Key has a Fix', async () => {
    const stderr = await failure([...invenias, '--service-domain', 'api.cyclr.com', '--api-key-stdin'], '\n');
    expect(stderr).toContain('API Key is empty.');
    expect(stderr).toMatch(/Fix: Give the API Key a value/);
  });

  test('a subdomain too long: "at most 63 characters"', async () => {
    const stderr = await failure(['invenias', '--no-input', '--subdomain', 'a'.repeat(64)]);
    expect(stderr).toContain('at most 63 characters.');
  });
});
