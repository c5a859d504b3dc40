// What a person pastes and what Invenias answers, read the way the wizard reads them.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { browserCommand } from '../../src/core/terminal/browser.js';
import { readIssuedSecret, validationMessages } from '../../src/connectors/invenias/applications.js';
import { parsePassword, parseSubdomain } from '../../src/connectors/invenias/fields.js';

describe('the Invenias subdomain', () => {
  test.each([
    ['company', 'company'],
    ['Company.invenias.com', 'company'],
    ['https://company.invenias.com/', 'company'],
    ['https://company.invenias.com/home/index?x=1', 'company'],
    ['  company-eu  ', 'company-eu'],
    ['company.invenias.com.', 'company'],
    ['https://company.invenias.com:443/x', 'company'],
  ])('%s gives %s', (raw, expected) => {
    expect(parseSubdomain(raw)).toBe(expected);
  });

  test.each(['', 'com pany', 'company_1', '-company', 'https://user@company.invenias.com', 'a'.repeat(64), 'company/home',
    'evil.com/x', 'a.b', 'company.evil.example', 'company.invenias.com.evil.example', 'https://company.invenias.com.evil.example/',
    'https://evil.example\\@company.invenias.com/', 'company.invenias.com/home', 'company.\u0456nvenias.com'])(
    '%j is refused before anything is sent',
    (raw) => {
      expect(() => parseSubdomain(raw)).toThrow(expect.objectContaining({ code: 'invalid_input', exitCode: 2 }));
    },
  );

  test('whatever is typed, an accepted subdomain is one DNS label, and a host elsewhere is never cut down to one', () => {
    const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?$/);
    const typed = fc.oneof(
      fc.string({ unit: fc.constantFrom(...'aZ9-._/:@?#\\ K\u0430') }),
      fc.tuple(label, fc.domain()).map(([first, domain]) => `${first}.${domain}`),
      fc.tuple(label, fc.domain()).map(([first, domain]) => `https://${first}.${domain}/home`),
    );
    fc.assert(
      fc.property(typed, (raw) => {
        let value: string | undefined;
        try {
          value = parseSubdomain(raw);
        } catch (error) {
          expect(error).toMatchObject({ code: 'invalid_input', exitCode: 2 });
          return;
        }
        expect(value).toMatch(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/);
        const host = raw.trim().replace(/^https?:\/\//i, '').split('/')[0]?.replace(/:\d+$/, '') ?? '';
        if (host.includes('.')) expect(host.toLowerCase()).toMatch(/^[^.]+\.invenias\.com\.?$/);
      }),
    );
  });
});

test('a password keeps its spaces but not control characters', () => {
  expect(parsePassword(' pass word ')).toBe(' pass word ');
  expect(() => parsePassword('pass\nword')).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  expect(() => parsePassword('')).toThrow(expect.objectContaining({ code: 'invalid_input' }));
});

describe('the answer holding the one-time secret', () => {
  test('the documented shape', () => {
    const body = JSON.stringify({ ClientId: 'abc', ClientSecret: 'FAKE-s3cret', ExpiresOn: '2030-01-01T00:00:00Z', IsEnabled: true });
    expect(readIssuedSecret(body)).toEqual({ clientId: 'abc', clientSecret: 'FAKE-s3cret', expiresOn: '2030-01-01T00:00:00Z' });
  });

  test('other spellings and a wrapped result are read too', () => {
    expect(readIssuedSecret(JSON.stringify({ data: { client_id: 'abc', client_secret: 'FAKE-s3cret' } }))).toEqual({
      clientId: 'abc',
      clientSecret: 'FAKE-s3cret',
      expiresOn: null,
    });
  });

  test.each(['', 'not json', '<html>login</html>', '[]', '{"ClientId":"abc"}', '{"ClientSecret":""}', '{"ClientSecret":42}'])(
    '%j holds no secret to keep',
    (body) => {
      expect(readIssuedSecret(body)).toBeUndefined();
    },
  );
});

describe("Invenias' validation messages", () => {
  test('ASP.NET ModelState', () => {
    const body = JSON.stringify({ Message: 'The request is invalid.', ModelState: { 'request.Name': ['The Name field is required.'] } });
    expect(validationMessages(body)).toEqual(['The request is invalid.', 'request.Name: The Name field is required.']);
  });

  test('problem details, a list of errors, and line breaks flattened', () => {
    expect(validationMessages(JSON.stringify({ title: 'Bad', errors: { ReplyUrl: ['Not\na URL'] } }))).toEqual(['Bad', 'ReplyUrl: Not a URL']);
    expect(validationMessages(JSON.stringify([{ PropertyName: 'Name', ErrorMessage: 'Too long' }]))).toEqual(['Name: Too long']);
  });

  test('an HTML page is not shown', () => {
    expect(validationMessages('<html><body>Bad Request</body></html>')).toEqual([]);
  });
});

describe('opening the Swagger page in a browser', () => {
  const withPath = { PATH: process.env.PATH ?? '' };

  test('never in CI, never with BROWSER=none, never on Linux without a display', () => {
    expect(browserCommand({ ...withPath, BROWSER: 'none', DISPLAY: ':0' }, 'linux')).toBeUndefined();
    expect(browserCommand({ ...withPath, CI: 'true', DISPLAY: ':0' }, 'linux')).toBeUndefined();
    expect(browserCommand({ ...withPath }, 'linux')).toBeUndefined();
  });

  test('BROWSER names the command when it exists', () => {
    expect(browserCommand({ ...withPath, BROWSER: 'node --no-warnings' }, 'linux')).toEqual({ command: 'node', args: ['--no-warnings'] });
    expect(browserCommand({ ...withPath, BROWSER: 'no-such-browser-here' }, 'linux')).toBeUndefined();
  });
});
