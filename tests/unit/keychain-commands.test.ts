// What the macOS and Windows keychain code hands to `security` and PowerShell, checked here on Linux where
// neither runs (the GitHub Actions workflow runs the suite on macOS and Windows): the secret is only ever on
// stdin, every word is quoted so the line parses as meant, and stored values come back as they went in.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { addCommand, quote, storedValue } from '../../src/core/store/keychain/macos.js';
import { credentialScript, powershellArguments, psString, targetName } from '../../src/core/store/keychain/windows.js';

const FAKE_VALUE = '{"clientSecret":"fake-secret-\'quoted\' $HOME `x` \\n é ✓"}';

/** Splits a `security -i` line as a POSIX shell would: bare words, and single-quoted runs joined to them. */
function words(line: string): string[] {
  return [...line.trimEnd().matchAll(/(?:'[^']*'|"[^"]*"|[^\s'"]+)+/g)].map(([word]) => word.replace(/'([^']*)'|"([^"]*)"/g, (_, single: string | undefined, double: string | undefined) => single ?? double ?? ''));
}

describe('macOS: the `security -i` line', () => {
  test('stores the value base64-encoded with its prefix; service and account are words of their own', () => {
    const line = addCommand('connector-setup', 'pingone/default', FAKE_VALUE);
    expect(line.endsWith('\n')).toBe(true);
    expect(line).not.toContain('fake-secret');
    const [command, ...rest] = words(line);
    expect(command).toBe('add-generic-password');
    expect(rest.slice(0, 5)).toEqual(['-U', '-s', 'connector-setup', '-a', 'pingone/default']);
    expect(rest[5]).toBe('-w');
    expect(storedValue(`${rest[6]}\n`)).toBe(FAKE_VALUE);
  });

  test('quote keeps any word one word', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1 }).filter((word) => !/[\s\0]/.test(word)), (word) => {
        expect(words(`x ${quote(word)} y`)).toEqual(['x', word, 'y']);
      }),
    );
    expect(quote("it's")).toBe(`'it'"'"'s'`);
    expect(quote('pingone/default')).toBe('pingone/default');
  });

  test('any value survives the line and the read-back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (value) => {
        const line = addCommand('connector-setup', 'invenias/acme', value);
        expect(line.split('\n')).toHaveLength(2);
        expect(storedValue(`${words(line)[7]}\n`)).toBe(value);
      }),
    );
  });

  test('values written by 0.1.0 are read as they are, including the hex `security` prints for non-ASCII', () => {
    expect(storedValue('{"clientSecret":"fake-secret-plain"}\n')).toBe('{"clientSecret":"fake-secret-plain"}');
    expect(storedValue(`${Buffer.from('{"clientSecret":"fake-é"}').toString('hex')}\n`)).toBe('{"clientSecret":"fake-é"}');
  });

  test('a value too long for the line is refused without being echoed', () => {
    expect(() => addCommand('connector-setup', 'pingone/default', `fake-secret-${'x'.repeat(4000)}`)).toThrow(/too long for the macOS keychain tool/);
    try {
      addCommand('connector-setup', 'pingone/default', `fake-secret-${'x'.repeat(4000)}`);
    } catch (error) {
      expect((error as Error).message).not.toContain('fake-secret');
    }
  });
});

describe('Windows: the PowerShell script', () => {
  test("the target is keyring-rs's default, {account}.{service}", () => {
    expect(targetName('connector-setup', 'pingone/default')).toBe('pingone/default.connector-setup');
  });

  test('single-quoted strings double their quotes and nothing else', () => {
    expect(psString("o'brien $x `y")).toBe("'o''brien $x `y'");
  });

  test.each(['get', 'set', 'delete'] as const)('%s: the script names the target and holds no value; -EncodedCommand carries it unchanged', (operation) => {
    const script = credentialScript(operation, 'connector-setup', "team's/default");
    expect(script).toContain("'team''s/default.connector-setup'");
    expect(script).toContain('[ConnectorSetup.Cred]::Cred');
    const args = powershellArguments(script);
    expect(args.slice(0, 4)).toEqual(['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass']);
    expect(args[4]).toBe('-EncodedCommand');
    expect(Buffer.from(args[5]!, 'base64').toString('utf16le')).toBe(script);
  });

  test('set reads the value from stdin and writes it UTF-16LE as a generic, enterprise-persisted credential', () => {
    const script = credentialScript('set', 'connector-setup', 'pingone/default');
    expect(script).toContain('[Console]::In.ReadToEnd()');
    expect(script).toContain('[Text.Encoding]::Unicode.GetBytes($value)');
    expect(script).toContain('$credential.Type = 1; $credential.Persist = 3;');
    expect(script).toContain("$credential.UserName = 'pingone/default'");
  });

  test('get prints the value as base64 of UTF-8; not found is its own exit status', () => {
    const script = credentialScript('get', 'connector-setup', 'pingone/default');
    expect(script).toContain('[Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes([Text.Encoding]::Unicode.GetString($blob)))');
    expect(script).toMatch(/-eq 1168\) \{ exit 3 \}/);
  });
});
