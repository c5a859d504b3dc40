// A failure whose hint is completed for the run (its profile, its Client ID) is the same failure in every other way.
import { describe, expect, test } from '@jest/globals';
import { InterruptedError, RejectedError, UnreachableError } from '../../src/core/errors.js';

describe('CliError.withHint', () => {
  test('keeps class, code, message, exit code and extra fields; only the hint changes', () => {
    const original = new UnreachableError('server_error', 'Invenias answered 503.', 'Try later.', false);
    const changed = original.withHint('Try later, then run connector-setup invenias --profile acme.');
    expect(changed).toBeInstanceOf(UnreachableError);
    expect(changed.message).toBe('Invenias answered 503.');
    expect(changed.code).toBe('server_error');
    expect(changed.exitCode).toBe(3);
    expect(changed.requestSent).toBe(false);
    expect(changed.hint).toBe('Try later, then run connector-setup invenias --profile acme.');
    expect(original.hint).toBe('Try later.');
  });

  test('the same hint gives back the same error', () => {
    const error = new RejectedError('invalid_client', 'No.', 'Copy it again.');
    expect(error.withHint('Copy it again.')).toBe(error);
  });

  test('Ctrl+C does not promise that anything continues', () => {
    expect(new InterruptedError().hint).not.toMatch(/continue/);
  });
});
