// The redaction layer every line of output goes through, and the mask used wherever a secret is displayed.
import { describe, expect, test } from '@jest/globals';
import { REDACTED, Redactor, maskSecret } from '../../src/core/redact.js';
import { FAKE } from '../helpers/fixtures.js';

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

  test('ignores empty, missing and very short values, which would blank out ordinary text', () => {
    const redactor = new Redactor();
    redactor.add(undefined);
    redactor.add('');
    redactor.add('abc');
    expect(redactor.redact('abc def')).toBe('abc def');
  });
});
