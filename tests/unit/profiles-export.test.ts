// What `profiles export --format env` and `verify --junit` produce must survive any value a partner hands out.
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { shellQuote } from '../../src/commands/profiles.js';
import { junitReport } from '../../src/commands/verify.js';
import { Redactor } from '../../src/core/redact.js';
import { type CliError, RejectedError, UnreachableError } from '../../src/core/errors.js';
import type { RunOutcome } from '../../src/core/outcome.js';
import { failedBeforeRun } from '../../src/core/run/runner.js';

describe('shellQuote', () => {
  test('a POSIX shell reads back exactly the value, whatever characters it holds', () => {
    // Any Unicode scalar value but NUL (a shell argument cannot hold one); surrogates are no characters at all.
    const scalar = fc.integer({ min: 1, max: 0x10ffff - 0x800 }).map((n) => (n >= 0xd800 ? n + 0x800 : n));
    // The characters a shell treats specially are drawn often; uniformly they would almost never be.
    const special = fc.constantFrom(...[..."'\"\\$`!*?[]{}()<>|&;#~= \t\n\r"].map((character) => character.codePointAt(0) as number));
    const anyValue = fc.array(fc.oneof(special, scalar), { maxLength: 40 }).map((codePoints) => String.fromCodePoint(...codePoints));
    // One shell for every sampled value (a shell each took seconds under load): each printed, NUL-terminated.
    const values = fc.sample(anyValue, 200);
    const script = values.map((value) => `printf '%s\\0' ${shellQuote(value)}`).join('\n');
    const echoed = execFileSync('sh', ['-c', script], { encoding: 'utf8' }).split('\u0000').slice(0, -1);
    expect(echoed).toHaveLength(values.length);
    values.forEach((value, index) => expect({ value, echoed: echoed[index] }).toEqual({ value, echoed: value }));
  });
});

describe('junitReport', () => {
  test('markup in messages is escaped; rejected is a failure, could-not-ask an error', () => {
    const failure = (error: CliError) => failedBeforeRun({ name: 'pingone', title: 'PingOne' }, 'p', error);
    const withWarning = (outcome: RunOutcome): RunOutcome => ({ ...outcome, warnings: ['expires <soon> & "then"'] });
    const xml = junitReport([
      { outcome: withWarning(failure(new RejectedError('invalid_client', 'PingOne said: "<b>no</b>" & \'bye\'', 'Fix <it> & retry'))), ms: 12 },
      { outcome: withWarning(failure(new UnreachableError('unreachable', 'gone\u0007', 'Fix <it> & retry'))), ms: 5 },
    ], new Date('2026-11-24T12:00:00Z'), new Redactor());
    expect(xml).toContain('tests="2" failures="1" errors="1"');
    expect(xml).toContain('timestamp="2026-11-24T12:00:00.000Z"');
    expect(xml).toContain('<failure type="invalid_client" message="PingOne said: &#34;&#60;b&#62;no&#60;/b&#62;&#34; &#38; &#39;bye&#39;">');
    expect(xml).toContain('<error type="unreachable" message="gone">');
    expect(xml).toContain('<system-out>expires &#60;soon&#62; &#38; &#34;then&#34;</system-out>');
    expect(xml).not.toMatch(/<b>|\u0007/);
  });
});
