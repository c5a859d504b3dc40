// The proxy's refusal is named even if undici changes the wording its status travels in.
import { describe, expect, test } from '@jest/globals';
import { errors } from 'undici';
import { describeNetworkError } from '../../src/core/net/network-errors.js';

const url = 'https://auth.pingone.eu/x/as/token';

describe('describeNetworkError and a proxy that will not tunnel', () => {
  test("undici's wording today: the status is named", () => {
    const error = new errors.RequestAbortedError('Proxy response (403) !== 200 when HTTP Tunneling');
    expect(describeNetworkError(error, url, 5000, { variable: 'HTTPS_PROXY', hostPort: 'proxy.example:3128', host: 'proxy.example', port: 3128 }).message).toBe('The proxy (HTTPS_PROXY) would not open a connection to auth.pingone.eu: it answered 403.');
  });

  test('other wording, through a proxy: still the proxy, without a status; nothing was sent', () => {
    const described = describeNetworkError(new errors.RequestAbortedError('tunnel refused'), url, 5000, { variable: 'HTTPS_PROXY', hostPort: 'proxy.example:3128', host: 'proxy.example', port: 3128 });
    expect(described.message).toBe('The proxy (HTTPS_PROXY) would not open a connection to auth.pingone.eu.');
    expect(described.requestSent).toBe(false);
  });

  test('an aborted request without a proxy is not blamed on one', () => {
    expect(describeNetworkError(new errors.RequestAbortedError('tunnel refused'), url, 5000).message).not.toContain('proxy');
  });
});
