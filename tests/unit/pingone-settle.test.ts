// After Try again, PingOne may still be applying the console change (docs/partners.md P-SETTLE): the check is
// repeated over about 15 s with a countdown, on an injected clock so the test does not wait.
import { describe, expect, test } from '@jest/globals';
import { pingone as pingoneFor } from '../../src/connectors/pingone/index.js';
import { readPingOneRequest } from '../../src/connectors/pingone/request.js';
import { retryWhileSettling } from '../../src/core/run/settle.js';
import { RejectedError, UnreachableError } from '../../src/core/errors.js';

/** The steps of a plain `pingone` run (no --create or --rotate). */
const pingone = pingoneFor(readPingOneRequest({}));

function harness(outcomes: Array<Error | 'ok'>) {
  const slept: number[] = [];
  const ticks: string[] = [];
  let tries = 0;
  const attempt = async (): Promise<string> => {
    const outcome = outcomes[Math.min(tries, outcomes.length - 1)];
    tries += 1;
    if (outcome instanceof Error) throw outcome;
    return 'token';
  };
  const options = {
    codes: pingone.settling?.codes ?? [],
    waitsSeconds: SETTLE_WAITS_S,
    sleep: async (ms: number) => void slept.push(ms),
    tick: (left: number, nextTry: number, of: number, error: RejectedError) => void ticks.push(`${error.code} ${nextTry}/${of} in ${left}`),
  };
  return { attempt, options, slept, ticks, tries: () => tries };
}

const SETTLE_WAITS_S = pingone.settling?.waitsSeconds ?? [];

const wrongMethod = new RejectedError('wrong_auth_method', 'The application does not accept Client Secret Post.');

describe('retryWhileSettling', () => {
  test('the waits add up to about 15 s', () => {
    const total = SETTLE_WAITS_S.reduce((sum, wait) => sum + wait, 0);
    expect(total).toBeGreaterThanOrEqual(10);
    expect(total).toBeLessThanOrEqual(15);
  });

  test('a change that applies on the third try: success, with a second-by-second countdown before each try', async () => {
    const run = harness([wrongMethod, wrongMethod, 'ok']);
    await expect(retryWhileSettling(run.attempt, run.options)).resolves.toBe('token');
    expect(run.tries()).toBe(3);
    expect(run.ticks).toEqual([
      'wrong_auth_method 2/4 in 2',
      'wrong_auth_method 2/4 in 1',
      'wrong_auth_method 3/4 in 4',
      'wrong_auth_method 3/4 in 3',
      'wrong_auth_method 3/4 in 2',
      'wrong_auth_method 3/4 in 1',
    ]);
    expect(run.slept.every((ms) => ms === 1000)).toBe(true);
  });

  test('a change that never applies: four tries over 14 s, then the same diagnosis', async () => {
    const run = harness([wrongMethod]);
    await expect(retryWhileSettling(run.attempt, run.options)).rejects.toBe(wrongMethod);
    expect(run.tries()).toBe(SETTLE_WAITS_S.length + 1);
    expect(run.slept.length).toBe(14);
  });

  test.each(['environment_not_found', 'environment_in_other_region'])('%s does not settle by waiting: no retry', async (code) => {
    const error = new RejectedError(code, 'Elsewhere.');
    const run = harness([error, 'ok']);
    await expect(retryWhileSettling(run.attempt, run.options)).rejects.toBe(error);
    expect(run.tries()).toBe(1);
    expect(run.slept).toEqual([]);
  });

  test('a network failure is not retried here (the HTTP layer has its own bounded retries)', async () => {
    const error = new UnreachableError('timeout', 'auth.pingone.eu did not answer within 15 s.');
    const run = harness([error, 'ok']);
    await expect(retryWhileSettling(run.attempt, run.options)).rejects.toBe(error);
    expect(run.tries()).toBe(1);
  });

  test('a wrong secret is not resent after Try again: invalid_client is shown at once', async () => {
    const error = new RejectedError('invalid_client', 'PingOne rejected the Client ID or Client Secret.');
    const run = harness([error, 'ok']);
    await expect(retryWhileSettling(run.attempt, run.options)).rejects.toBe(error);
    expect(run.tries()).toBe(1);
    expect(run.slept).toEqual([]);
  });

  test('invalid_client settles only while a secret this run was just issued applies', () => {
    expect(pingone.settling?.whileNew).toEqual(['invalid_client']);
  });

  test.each(['unauthorized_client', 'no_roles', 'app_disabled'])('%s settles like the authentication method', async (code) => {
    const run = harness([new RejectedError(code, 'Not yet.'), 'ok']);
    await expect(retryWhileSettling(run.attempt, run.options)).resolves.toBe('token');
    expect(run.tries()).toBe(2);
  });
});
