// The redaction layer every line of output goes through, and the mask used wherever a secret is displayed.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { FRAGMENT_LENGTH, REDACTED, Redactor, childEnvironment, maskSecret } from '../../src/core/redact.js';
import { escapeControls, oneLine, terminalSafe } from '../../src/core/printable.js';
import { FAKE } from '../helpers/fixtures.js';
import { echoes } from '../helpers/secret-echoes.js';

describe('maskSecret', () => {
  test('shows **** and the last four characters, as the Cyclr console does', () => {
    expect(maskSecret(FAKE.clientSecret)).toBe('****0001');
  });

  test('shows nothing of a short secret (the last four would be too much of it)', () => {
    expect(maskSecret('abc')).toBe('****');
    expect(maskSecret('short-11chr')).toBe('****');
    expect(maskSecret('twelve-chars')).toBe('****hars');
  });
});

describe('Redactor', () => {
  test('hides a registered secret wherever it appears, and leaves other text alone', () => {
    const redactor = new Redactor();
    redactor.add(FAKE.clientSecret);
    const text = `secret=${FAKE.clientSecret} and again ${FAKE.clientSecret}.`;
    expect(redactor.redact(text)).toBe(`secret=${REDACTED} and again ${REDACTED}.`);
    expect(redactor.redact('nothing to hide')).toBe('nothing to hide');
  });

  test('hides the JSON-escaped, URL-encoded and form-encoded forms of a secret', () => {
    const secret = 'FAKE "quoted"\\back/slash+plus&amp=ü';
    const redactor = new Redactor();
    redactor.add(secret);
    const forms = [
      secret,
      JSON.stringify(secret).slice(1, -1),
      encodeURIComponent(secret),
      new URLSearchParams({ client_secret: secret }).toString().slice('client_secret='.length),
    ];
    for (const form of forms) {
      const redacted = redactor.redact(`before ${form} after`);
      expect(redacted).toBe(`before ${REDACTED} after`);
    }
    expect(redactor.redact(JSON.stringify({ client_secret: secret }))).not.toContain('back');
  });

  test('a secret containing another is hidden whole, not partly', () => {
    const redactor = new Redactor();
    redactor.add('FAKE-short');
    redactor.add('FAKE-short-and-longer');
    expect(redactor.redact('x FAKE-short-and-longer y FAKE-short z')).toBe(`x ${REDACTED} y ${REDACTED} z`);
  });

  test('ignores empty, missing and values shorter than 4 characters (refused as input), which would blank out ordinary text', () => {
    const redactor = new Redactor();
    redactor.add(undefined);
    redactor.add('');
    redactor.add('abc');
    expect(redactor.redact('abc def')).toBe('abc def');
  });
});

describe('Redactor: encodings and fragments', () => {
  const secret = 'FAKE+Zq8/xK2mV=pL&9w"tR ü~';
  const redactor = new Redactor();
  redactor.add(secret);

  test.each(Object.entries(echoes(secret)))('hides the secret echoed as %s', (_name, form) => {
    expect(redactor.redact(`The server said: ${form}.`)).toBe(`The server said: ${REDACTED}.`);
    expect(redactor.quote(`The server said: ${form}.`, 200)).toBe(`The server said: ${REDACTED}.`);
  });

  test.each([
    ['a prefix of 8', secret.slice(0, FRAGMENT_LENGTH)],
    ['a suffix of 8', secret.slice(-FRAGMENT_LENGTH)],
    ['9 from the middle', secret.slice(2, 2 + FRAGMENT_LENGTH + 1)],
    ['a prefix of 12, percent-encoded in lower case', encodeURIComponent(secret.slice(0, 12)).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase())],
    ['the base64 of id:secret, cut short', Buffer.from(`FAKE-client-id:${secret}`).toString('base64').slice(0, 36)],
  ])('in a server\'s words, hides %s of it', (_name, form) => {
    expect(redactor.quote(`The server said: ${form}.`, 200)).toBe(`The server said: ${REDACTED}.`);
  });

  test('our own words are not blanked out by a password that holds a word of them', () => {
    const passwords = new Redactor();
    passwords.add('invenias-password-2024');
    expect(passwords.redact('connector-setup invenias --renew (password grant)')).toBe('connector-setup invenias --renew (password grant)');
    expect(passwords.redact('it is invenias-password-2024')).toBe(`it is ${REDACTED}`);
  });

  test('leaves ordinary text, words and base64 that holds no secret alone', () => {
    const text = 'Verification failed for connector-setup; token aGVsbG8gd29ybGQ= at 12:00 (50% done) & more';
    expect(redactor.redact(text)).toBe(text);
  });

  test('quote() redacts, then cuts, never inside [redacted], and leaves nothing of a secret at the edge', () => {
    for (let padding = 150; padding <= 220; padding += 1) {
      const quoted = redactor.quote(`${'x'.repeat(padding)}${secret}${'y'.repeat(20)}`, 200);
      expect(quoted.length).toBeLessThanOrEqual(201);
      expect(quoted).not.toMatch(/FAKE|\[reda?c?t?e?d?…/);
      expect(quoted.replace(/x+/, '').replace(REDACTED, '')).toMatch(/^y*…?$/);
    }
  });

  test('quote() puts a server\'s words on one line, without escape sequences or bidirectional overrides', () => {
    expect(redactor.quote('line one\nfake line\u001b[8m hidden\u001b[0m \u202eevil\u2066 end', 200)).toBe('line one fake line hidden evil end');
  });
});

describe('Redactor: a document before it is serialised', () => {
  test('a secret deep inside, as a value or a key, is hidden in a copy; the rest, and the document given, are left as they were', () => {
    const redactor = new Redactor();
    redactor.add(FAKE.clientSecret);
    const document = {
      ok: false,
      results: [
        { profile: 'customer-0001', checks: [{ name: 'Token request', ok: true, ms: 120 }], warnings: [] },
        { profile: 'customer-0002', checks: [{ name: `Token request with ${FAKE.clientSecret}`, ok: false, ms: 80 }], warnings: [{ [FAKE.clientSecret]: 'said' }] },
      ],
    };
    const before = JSON.stringify(document);
    const redacted = redactor.redactDeep(document);
    expect(JSON.stringify(redacted)).not.toContain(FAKE.clientSecret);
    expect(redacted.results[1]?.checks[0]?.name).toBe(`Token request with ${REDACTED}`);
    expect(redacted.results[1]?.warnings[0]).toEqual({ [REDACTED]: 'said' });
    expect(redacted.results[0]).toEqual(document.results[0]);
    expect(JSON.stringify(document)).toBe(before);
    expect(redactor.redactDeep(document.results[0])).toBe(document.results[0]);
  });
});

describe('printable text', () => {
  test('oneLine removes escape sequences (CSI, OSC, DCS, 8-bit CSI), controls and bidi characters', () => {
    expect(oneLine('a\u001b]0;title\u0007b\u009b2Jc\u001bP+q\u001b\\d\r\ne\u202a\u2069f')).toBe('abcd e f');
  });

  test('terminalSafe keeps our palette and line breaks, and drops everything else', () => {
    const painted = '\u001b[31m✖\u001b[39m done\n';
    expect(terminalSafe(painted)).toBe(painted);
    expect(terminalSafe('\u001b[8mhidden\u001b[0m \u001b[2J\u202eover\u200bride\u0085')).toBe('hidden override');
  });

  test('one control character in otherwise plain ASCII is still caught (DEL, a lone ESC, a C1 character)', () => {
    expect(oneLine('  plain  text\u007f end ')).toBe('plain text end');
    expect(oneLine('tenant\u001b-0001')).toBe('tenant001');
    expect(terminalSafe('Client ID  abc\u007f\n\tnext\u0085line')).toBe('Client ID  abc\n\tnextline');
    expect(escapeControls('{"a": "b\u2028c"}')).toBe('{"a": "b\\u2028c"}');
    expect(oneLine('plain  text ')).toBe('plain text');
    expect(terminalSafe('plain\n\ttext')).toBe('plain\n\ttext');
  });
});

describe('childEnvironment', () => {
  test('leaves out the connectors\' variables and any variable holding a known secret', () => {
    const redactor = new Redactor();
    redactor.add(FAKE.clientSecret);
    const env = childEnvironment(
      { PATH: '/bin', DISPLAY: ':0', PINGONE_CLIENT_SECRET: FAKE.clientSecret, INVENIAS_PASSWORD: FAKE.inveniasPassword, PINGONE_CLIENT_ID: 'x', MY_COPY: `pre ${FAKE.clientSecret}` },
      redactor,
    );
    expect(env).toEqual({ PATH: '/bin', DISPLAY: ':0' });
  });
});

/** A secret as real ones look: 8 to 64 characters of letters, digits and the punctuation secrets are made of. */
const realisticSecret = fc.string({ unit: fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789-_.~+/=!@#$%^&*'), minLength: 8, maxLength: 64 });

describe('Redactor: property', () => {
  test('over random secrets, paddings, encodings and cuts, no 8 characters of the secret survive in a server\'s words', () => {
    fc.assert(
      fc.property(
        realisticSecret,
        fc.constantFrom(...Object.keys(echoes('placeholder'))),
        fc.string({ maxLength: 40 }),
        fc.string({ maxLength: 40 }),
        fc.integer({ min: 0, max: 40 }),
        (secret, encoding, before, after, cutAt) => {
          const redactor = new Redactor();
          redactor.add(secret);
          const form = echoes(secret)[encoding] ?? secret;
          const text = `${before}${form.slice(0, form.length - Math.min(cutAt, form.length - FRAGMENT_LENGTH))}${after}`;
          const quoted = redactor.quote(text, 60);
          for (let index = 0; index + FRAGMENT_LENGTH <= secret.length; index += 1) {
            expect(quoted).not.toContain(secret.slice(index, index + FRAGMENT_LENGTH));
          }
          if (form === echoes(secret)[encoding]) expect(redactor.redact(`${before}${form}${after}`)).not.toContain(secret);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('Redactor: a batch that knows many secrets', () => {
  test('each of many secrets is hidden wherever and however it appears, and ordinary words are left alone', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(realisticSecret, { minLength: 17, maxLength: 80 }),
        fc.nat(),
        fc.constantFrom(...Object.keys(echoes('placeholder'))),
        fc.string({ maxLength: 40 }),
        fc.string({ maxLength: 40 }),
        (secrets, pick, encoding, before, after) => {
          const redactor = new Redactor();
          for (const secret of secrets) redactor.add(secret);
          const secret = secrets[pick % secrets.length] as string;
          const form = echoes(secret)[encoding] ?? secret;
          expect(redactor.redact(`${before}${form}${after}`)).not.toContain(secret);
          expect(redactor.redact(`${before}${secrets.join(' and ')}${after}`)).not.toMatch(new RegExp(secrets.map((one) => one.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')));
          expect(redactor.redact('Verified profile customer-0042 (pingone) in 120 ms.')).toBe('Verified profile customer-0042 (pingone) in 120 ms.');
        },
      ),
      { numRuns: 200 },
    );
  });

  test('a secret learned after a text was first redacted is hidden in that text from then on, whole and encoded', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(realisticSecret, { minLength: 2, maxLength: 60 }),
        fc.constantFrom(...Object.keys(echoes('placeholder'))),
        (secrets, encoding) => {
          const redactor = new Redactor();
          const [late, ...early] = secrets as [string, ...string[]];
          for (const secret of early) redactor.add(secret);
          const text = `{"error": "${echoes(late)[encoding] ?? late}", "basic": "${Buffer.from(`client:${late}`).toString('base64')}"}`;
          // Redacted (and so remembered) while the secret is not known yet.
          redactor.redact(text);
          redactor.redactDeep({ said: text });
          redactor.quote(text, 500);
          redactor.add(late);
          expect(redactor.quote(`cut short: ${late.slice(0, FRAGMENT_LENGTH)}`, 500)).not.toContain(late.slice(0, FRAGMENT_LENGTH));
          expect(redactor.redact(text)).not.toContain(late);
          expect(redactor.redact(text)).not.toContain(Buffer.from(`client:${late}`).toString('base64'));
          expect(redactor.redactDeep({ said: text })).not.toEqual({ said: text });
        },
      ),
      { numRuns: 200 },
    );
  });
});
