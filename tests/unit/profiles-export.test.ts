// What `profiles export --format env` and `verify --junit` produce must survive any value a partner hands out.
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { shellQuote } from '../../src/commands/profiles.js';
import { junitReport } from '../../src/commands/verify.js';

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
    const result = (code: string, message: string) => ({
      ok: false,
      connector: 'pingone',
      profile: 'p',
      checks: [],
      values: {},
      warnings: ['expires <soon> & "then"'],
      error: { code, message, hint: 'Fix <it> & retry' },
    });
    const xml = junitReport([
      { result: result('invalid_client', 'PingOne said: "<b>no</b>" & \'bye\''), ms: 12, exitCode: 1 },
      { result: result('unreachable', 'gone\u0007'), ms: 5, exitCode: 3 },
    ]);
    expect(xml).toContain('tests="2" failures="1" errors="1"');
    expect(xml).toContain('<failure type="invalid_client" message="PingOne said: &#34;&#60;b&#62;no&#60;/b&#62;&#34; &#38; &#39;bye&#39;">');
    expect(xml).toContain('<error type="unreachable" message="gone">');
    expect(xml).toContain('<system-out>expires &#60;soon&#62; &#38; &#34;then&#34;</system-out>');
    expect(xml).not.toMatch(/<b>|\u0007/);
  });
});
