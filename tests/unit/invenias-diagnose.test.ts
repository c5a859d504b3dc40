// What connector-setup says when Invenias refuses: the code is always our own diagnosis, never the server's word.
import { describe, expect, test } from '@jest/globals';
import { diagnose, diagnoseApiCall } from '../../src/connectors/invenias/token.js';
import { Redactor } from '../../src/core/redact.js';

describe('diagnose (the token endpoint)', () => {
  test('an OAuth error we do not know: the stable code rejected, the server\'s error only in the message', () => {
    for (const error of ['invalid_scope', 'temporarily_unavailable', 'user_not_licensed', 'Weird Thing']) {
      const refused = diagnose({ kind: 'oauth_error', status: 400, error, description: '', headers: {}, ms: 1 });
      expect(refused.code).toBe('rejected');
      expect(refused.message).toContain(`(${error})`);
    }
  });

  test('invalid_grant and invalid_client keep their documented diagnoses', () => {
    expect(diagnose({ kind: 'oauth_error', status: 400, error: 'invalid_grant', description: '', headers: {}, ms: 1 }).code).toBe('invalid_grant');
    expect(diagnose({ kind: 'oauth_error', status: 400, error: 'invalid_client', description: '', headers: {}, ms: 1 }).code).toBe('invalid_client');
  });
});

describe('diagnoseApiCall (docs/partners.md I-COUNTRIES-200, I-API-401-UNLICENSED)', () => {
  test('2xx: no diagnosis', () => {
    expect(diagnoseApiCall(200, '{"Items":[]}', new Redactor())).toBeUndefined();
  });

  test.each([401, 403])('%d: user_not_licensed, exit 1, the server\'s words quoted', (status) => {
    const error = diagnoseApiCall(status, '{"Message":"Authorization has been denied for this request."}', new Redactor());
    expect(error?.code).toBe('user_not_licensed');
    expect(error?.exitCode).toBe(1);
    expect(error?.message).toContain(`answered ${status}`);
    expect(error?.message).toContain('Invenias said: "Authorization has been denied for this request."');
    expect(error?.hint).toContain('System Administrator permission group');
  });

  test('another refusal: rejected, no HTML repeated', () => {
    const error = diagnoseApiCall(404, '<html>Not here</html>', new Redactor());
    expect(error?.code).toBe('rejected');
    expect(error?.message).not.toContain('<html>');
  });
});
