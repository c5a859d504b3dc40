// Property-based tests for every parser of user input: whatever is typed or pasted, a parser either returns
// a value that is safe to put in a URL or a request, or throws an InputError (exit 2) - never anything else.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { parseAuthorizationUrl } from '../../src/connectors/pingone/fields.js';
import { InputError, quoteValue } from '../../src/core/errors.js';
import { parseRetryAfter } from '../../src/core/net/http.js';
import { parseProfileName } from '../../src/core/store/profile-store.js';
import { parseTimeout } from '../../src/core/run/session.js';
import {
  MAX_VALUE_LENGTH,
  checkPlainText,
  parseChoice,
  parseDnsLabel,
  parseHostPort,
  parseOrigin,
  parseRequiredText,
  parseSecret,
  parseUuid,
} from '../../src/core/run/validate.js';

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const HOST_PORT = /^[a-z0-9.-]+(:\d{1,5})?$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Any code point, lone surrogates included (fast-check's own 'binary' unit spends 2.4 s setting up under Jest). */
const anyCodePoint = fc.integer({ min: 0, max: 0x10ffff }).map((codePoint) => String.fromCodePoint(codePoint));
/** Any text at all: ASCII, full Unicode, lone surrogates, control characters. */
const anyText = fc.oneof(fc.string(), fc.string({ unit: anyCodePoint }), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary-ascii' }));
/** A character as a URL carries it: unreserved or a sub-delimiter as it is, anything else percent-encoded. */
const urlChar = fc.oneof(
  fc.constantFrom(...'aZ09-._~!$&\'()*+,;=:@'),
  fc.integer({ min: 0, max: 0x10ffff }).filter((codePoint) => codePoint < 0xd800 || codePoint > 0xdfff).map((codePoint) => encodeURIComponent(String.fromCodePoint(codePoint))),
);
/**
 * http(s) URLs: a domain, maybe a port, path segments, a query and a fragment. What fc.webUrl() gives, without its
 * set-up, which maps every Unicode code point for its percent-encoded characters (about 1 s under Jest).
 */
const webUrl = fc
  .tuple(
    fc.constantFrom('https', 'http'),
    fc.domain(),
    fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    fc.array(fc.string({ unit: urlChar, maxLength: 8 }), { maxLength: 4 }),
    fc.option(fc.string({ unit: fc.oneof(urlChar, fc.constantFrom('/', '?', '=', '&')), maxLength: 12 }), { nil: undefined }),
    fc.option(fc.string({ unit: fc.oneof(urlChar, fc.constantFrom('/', '?')), maxLength: 12 }), { nil: undefined }),
  )
  .map(([scheme, domain, port, segments, query, fragment]) =>
    `${scheme}://${domain}${port === undefined ? '' : `:${port}`}${segments.map((segment) => `/${segment}`).join('')}${query === undefined ? '' : `?${query}`}${fragment === undefined ? '' : `#${fragment}`}`,
  );
const controlChar = fc.constantFrom('\r', '\n', '\0', '\t', '\x1b', '\x7f', '\u0085', '\u2028', '\u2029', '\x08', '\x9b');

/** Runs a parser: its value, or the InputError it threw. Any other throw fails the property. */
function attempt<T>(parse: () => T): { value: T } | { error: InputError } {
  try {
    return { value: parse() };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    expect(error.exitCode).toBe(2);
    expect(error.code).toBe('invalid_input');
    return { error };
  }
}

function insertAt(text: string, extra: string, position: number): string {
  const at = position % (text.length + 1);
  return text.slice(0, at) + extra + text.slice(at);
}

describe('checkPlainText and parseRequiredText', () => {
  test('a value with a control character anywhere is refused', () => {
    fc.assert(
      fc.property(fc.string(), controlChar, fc.nat(), (text, control, position) => {
        const result = attempt(() => checkPlainText(insertAt(text, control, position), 'Value'));
        expect('error' in result).toBe(true);
      }),
    );
  });

  test('plain text within the limit comes back unchanged; longer is refused', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 3000 }), (text) => {
        const result = attempt(() => checkPlainText(text, 'Value'));
        if ('value' in result) expect(result.value).toBe(text);
        else expect(CONTROL.test(text) || text.length > MAX_VALUE_LENGTH).toBe(true);
      }),
    );
  });

  test('parseRequiredText: trimmed, never empty', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const result = attempt(() => parseRequiredText(text, 'Value'));
        if ('value' in result) {
          expect(result.value).toBe(result.value.trim());
          expect(result.value.length).toBeGreaterThan(0);
        }
      }),
    );
  });
});

describe('parseUuid', () => {
  test('any UUID, in any case, with surrounding spaces, is accepted in lower case', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.boolean(), fc.constantFrom('', ' ', '  '), (uuid, upper, pad) => {
        const typed = `${pad}${upper ? uuid.toUpperCase() : uuid}${pad}`;
        expect(parseUuid(typed, 'Client ID')).toBe(uuid.toLowerCase());
      }),
    );
  });

  test('anything else is refused; an accepted value is exactly a UUID', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const result = attempt(() => parseUuid(text, 'Client ID'));
        if ('value' in result) expect(result.value).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      }),
    );
  });
});

describe('parseSecret', () => {
  test('a refusal never repeats the secret; an accepted secret has no whitespace or control characters', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, fc.string({ minLength: 8 }).map((text) => `FAKE-${text}`)), (secret) => {
        const result = attempt(() => parseSecret(secret, 'Client Secret'));
        if ('error' in result) {
          if (secret.trim().length >= 4) expect(`${result.error.message} ${result.error.hint}`).not.toContain(secret.trim());
        } else {
          expect(result.value.value).not.toMatch(/\s/);
          expect(CONTROL.test(result.value.value)).toBe(false);
          expect(result.value.trimmed).toBe(result.value.value !== secret);
        }
      }),
    );
  });
});

describe('parseHostPort', () => {
  test('real domain names, with or without https:// and a port, are accepted as host[:port]', () => {
    fc.assert(
      fc.property(fc.domain(), fc.option(fc.integer({ min: 1, max: 65535 })), fc.boolean(), (domain, port, scheme) => {
        // A numeric last label is an IPv4 address to URL parsers; fc.domain() never makes one.
        const typed = `${scheme ? 'https://' : ''}${domain}${port === null ? '' : `:${port}`}`;
        const expected = `${domain.toLowerCase()}${port === null || port === 443 ? '' : `:${port}`}`;
        expect(parseHostPort(typed, 'Auth Domain')).toBe(expected);
      }),
    );
  });

  test('whatever is typed, an accepted value is a bare host[:port] that a URL keeps exactly as it is', () => {
    const hostish = fc.oneof(
      anyText,
      fc.string({ unit: fc.constantFrom(...'ab01.-:/@?#\\%[]xX ') }),
      fc.tuple(fc.domain(), fc.constantFrom('@', '/', '?', '#', '\\', '//', ':', '%2f', '\u0430', '\u212a', '.'), fc.domain()).map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(hostish, (text) => {
        const result = attempt(() => parseHostPort(text, 'Auth Domain'));
        if ('error' in result) return;
        const value = result.value;
        expect(value).toMatch(HOST_PORT);
        const url = new URL(`https://${value}/x`);
        expect(url.host).toBe(value);
        expect(url.username + url.password).toBe('');
        expect(url.pathname).toBe('/x');
        expect(parseHostPort(value, 'Auth Domain')).toBe(value);
      }),
    );
  });

  test('credentials, scheme-relative hosts, paths, queries, fragments and other schemes are refused', () => {
    const dangerous = fc.tuple(
      fc.domain(),
      fc.constantFrom('user:pass@', '//', 'http://', 'ftp://', 'javascript:'),
      fc.constantFrom('', '/x', '?q=1', '#f', '/..', '\\evil'),
    );
    fc.assert(
      fc.property(dangerous, ([domain, prefix, suffix]) => {
        expect('error' in attempt(() => parseHostPort(`${prefix}${domain}${suffix}`, 'Auth Domain'))).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.domain(), fc.constantFrom('/x', '?q=1', '#f', '@evil.com', '/evil.com'), (domain, suffix) => {
        expect('error' in attempt(() => parseHostPort(`${domain}${suffix}`, 'Auth Domain'))).toBe(true);
      }),
    );
  });

  test('names URL parsers would read as IPv4 (0x7f.1, 127.1, a.1) are refused', () => {
    for (const typed of ['0x7f.1', '127.1', 'a.1', 'auth.0x10', '1.2.3', '2130706433']) {
      expect('error' in attempt(() => parseHostPort(typed, 'Auth Domain'))).toBe(true);
    }
  });
});

describe('parseDnsLabel (the Invenias subdomain)', () => {
  test('an accepted value is one lower-case DNS label', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, fc.string({ unit: fc.constantFrom(...'aZ9-._/ K\u0430') })), (text) => {
        const result = attempt(() => parseDnsLabel(text, 'Subdomain'));
        if ('value' in result) {
          expect(result.value).toMatch(LABEL);
          expect(new URL(`https://${result.value}.invenias.com/`).hostname).toBe(`${result.value}.invenias.com`);
        }
      }),
    );
  });

  test('valid labels are accepted, lower-cased', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/), (label) => {
        expect(parseDnsLabel(label, 'Subdomain')).toBe(label.toLowerCase());
      }),
    );
  });

  test.each([
    ['a path', 'evil.com/x'],
    ['a dot', 'a.b'],
    ['a leading hyphen', '-x'],
    ['a trailing hyphen', 'x-'],
    ['a Cyrillic look-alike', '\u0430cme'],
    ['the Kelvin sign (lower-cases to k)', 'acme\u212a'],
    ['a dotless i', 'ac\u0131me'],
    ['64 characters', 'a'.repeat(64)],
    ['credentials', 'user:pass@acme'],
    ['CR/LF', 'acme\r\nX-Injected: 1'],
    ['a NUL byte', 'acme\0'],
    ['100 KB', 'x'.repeat(100 * 1024)],
  ])('a subdomain with %s is refused', (_what, typed) => {
    expect('error' in attempt(() => parseDnsLabel(typed, 'Subdomain'))).toBe(true);
  });
});

describe('parseOrigin', () => {
  test('an accepted origin is https://host[:port] and equals its own URL origin', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, webUrl, fc.domain().map((domain) => `https://${domain}`)), (text) => {
        const result = attempt(() => parseOrigin(text, 'Base URL'));
        if ('value' in result) expect(new URL(result.value).origin).toBe(result.value);
      }),
    );
  });
});

describe('parseChoice', () => {
  const choices = ['OneYear', 'TwoYears', 'FiveYears'] as const;
  test('returns one of the choices, whatever the case typed; anything else is refused', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, fc.constantFrom(...choices).map((choice) => choice.toUpperCase())), (text) => {
        const result = attempt(() => parseChoice(text, 'Expiration', choices));
        if ('value' in result) expect(choices).toContain(result.value);
      }),
    );
  });
});

describe('parseAuthorizationUrl (PingOne)', () => {
  test('any well-formed AUTHORIZATION URL gives its host and environment', () => {
    fc.assert(
      fc.property(fc.domain(), fc.uuid(), fc.constantFrom('authorize', 'token', 'userinfo'), (domain, uuid, endpoint) => {
        expect(parseAuthorizationUrl(`https://${domain}/${uuid}/as/${endpoint}`)).toEqual({
          authDomain: domain.toLowerCase(),
          environmentId: uuid.toLowerCase(),
        });
      }),
    );
  });

  test('whatever is pasted, an accepted URL gives a bare host and a UUID', () => {
    const urlish = fc.oneof(
      anyText,
      webUrl,
      fc.tuple(fc.constantFrom('https://', 'http://', '//', 'https://u:p@'), fc.domain(), fc.uuid(), fc.constantFrom('/as/authorize', '/as/authorize?x=1', '/x/authorize')).map(
        ([scheme, domain, uuid, tail]) => `${scheme}${domain}/${uuid}${tail}`,
      ),
    );
    fc.assert(
      fc.property(urlish, (text) => {
        const result = attempt(() => parseAuthorizationUrl(text));
        if ('value' in result) {
          expect(result.value.authDomain).toMatch(HOST_PORT);
          expect(result.value.environmentId).toMatch(/^[0-9a-f-]{36}$/);
          expect(text.trim()).toMatch(/^https:\/\/[^@]+\/as\/[a-z]+\/?$/i);
        }
      }),
    );
  });
});

describe('parseRetryAfter', () => {
  test('delta-seconds are read as milliseconds', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 999_999_999 }), (seconds) => expect(parseRetryAfter(String(seconds), Date.now())).toBe(seconds * 1000)));
  });

  test('an HTTP date is the time until it, never negative', () => {
    const now = Date.UTC(2026, 0, 1);
    fc.assert(
      fc.property(fc.integer({ min: -10_000_000, max: 10_000_000 }), (offsetSeconds) => {
        const date = new Date(now + offsetSeconds * 1000).toUTCString();
        expect(parseRetryAfter(date, now)).toBe(Math.max(0, offsetSeconds * 1000));
      }),
    );
  });

  test('whatever a server sends, the answer is undefined or a finite, non-negative number', () => {
    fc.assert(
      fc.property(fc.option(anyText, { nil: undefined }), (header) => {
        const wait = parseRetryAfter(header, Date.now());
        if (wait !== undefined) {
          expect(Number.isFinite(wait)).toBe(true);
          expect(wait).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });
});

describe('parseTimeout and parseProfileName', () => {
  test('--timeout: a number of seconds in (0, 600], anything else is refused', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, fc.double().map(String), fc.integer({ min: -5, max: 700 }).map(String)), (text) => {
        const result = attempt(() => parseTimeout(text));
        if ('value' in result) {
          expect(result.value).toBeGreaterThanOrEqual(1);
          expect(result.value).toBeLessThanOrEqual(600_000);
        }
      }),
    );
  });

  test('a profile name is 1-64 safe characters; a refusal quotes it without raw control characters', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const result = attempt(() => parseProfileName(text));
        if ('value' in result) expect(result.value).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
        else expect(CONTROL.test(result.error.message)).toBe(false);
      }),
    );
  });

  test('quoteValue never lets a control character through', () => {
    fc.assert(fc.property(anyText, (text) => expect(CONTROL.test(quoteValue(text))).toBe(false)));
  });
});
