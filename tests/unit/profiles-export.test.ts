// What `profiles export --format env` and `verify --junit` produce must survive any value a partner hands out.
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { shellQuote } from '../../src/commands/profiles.js';
import { junitReport } from '../../src/commands/verify.js';
import { type CliError, RejectedError, UnreachableError } from '../../src/core/errors.js';
import type { RunOutcome } from '../../src/core/outcome.js';
import { failedBeforeRun } from '../../src/core/runner.js';

describe('shellQuote', () => {
  test('a POSIX shell reads back exactly the value, whatever characters it holds', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }).filter((value) => !value.includes('\u0000')), (value) => {
        const echoed = execFileSync('sh', ['-c', `printf '%s' ${shellQuote(value)}`], { encoding: 'utf8' });
        expect(echoed).toBe(value);
      }),
      { numRuns: 60 },
    );
  });
});

describe('junitReport', () => {
  test('markup in messages is escaped; rejected is a failure, could-not-ask an error', () => {
    const failure = (error: CliError) => failedBeforeRun({ name: 'pingone', title: 'PingOne' }, 'p', error);
    const withWarning = (outcome: RunOutcome): RunOutcome => ({ ...outcome, warnings: ['expires <soon> & "then"'] });
    const xml = junitReport([
      { outcome: withWarning(failure(new RejectedError('invalid_client', 'PingOne said: "<b>no</b>" & \'bye\'', 'Fix <it> & retry'))), ms: 12 },
      { outcome: withWarning(failure(new UnreachableError('unreachable', 'gone\u0007', 'Fix <it> & retry'))), ms: 5 },
    ]);
    expect(xml).toContain('tests="2" failures="1" errors="1"');
    expect(xml).toContain('<failure type="invalid_client" message="PingOne said: &#34;&#60;b&#62;no&#60;/b&#62;&#34; &#38; &#39;bye&#39;">');
    expect(xml).toContain('<error type="unreachable" message="gone">');
    expect(xml).toContain('<system-out>expires &#60;soon&#62; &#38; &#34;then&#34;</system-out>');
    expect(xml).not.toMatch(/<b>|\u0007/);
  });
});
