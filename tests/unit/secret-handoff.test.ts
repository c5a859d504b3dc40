// The hand-off step after a create or renew: copy any value, reveal a secret once, nothing without being chosen.
// The prompter is scripted (prompts.ts is the one thing to replace); OSC 52 goes to a stream that says it is a terminal.
import { PassThrough } from 'node:stream';
import { describe, expect, test } from '@jest/globals';
import { type HandOffValue, handOffSecrets, osc52 } from '../../src/core/terminal/clipboard.js';
import { Output } from '../../src/core/terminal/output.js';
import type { Choice, Prompter } from '../../src/core/terminal/prompts.js';
import { Redactor } from '../../src/core/redact.js';
import { FAKE } from '../helpers/fixtures.js';

const REVEAL = 'connector-setup profiles show invenias acme --show-secrets';
const values: HandOffValue[] = [
  { label: 'Client ID', value: '9a0c4e1b-0d6f-4c3e-9a61-5c1f00000abc', secret: false },
  { label: 'Client Secret', value: FAKE.inveniasClientSecret, secret: true },
];

function collect(): { stream: PassThrough & { isTTY?: boolean }; text: () => string } {
  const stream: PassThrough & { isTTY?: boolean } = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { stream, text: () => text };
}

/** Answers each select with the choice whose name matches the next pattern; records every list it was shown. */
function scripted(answers: RegExp[]): { prompter: Prompter; shown: string[][] } {
  const shown: string[][] = [];
  const refuse = (): Promise<never> => Promise.reject(new Error('not asked in this step'));
  const prompter: Prompter = {
    text: refuse,
    secret: refuse,
    confirm: refuse,
    select<T>(options: { choices: Choice<T>[] }): Promise<T> {
      shown.push(options.choices.map((choice) => choice.name));
      const wanted = answers.shift();
      const choice = options.choices.find((candidate) => wanted?.test(candidate.name));
      if (!choice) return Promise.reject(new Error(`no choice matches ${String(wanted)}`));
      return Promise.resolve(choice.value);
    },
  };
  return { prompter, shown };
}

describe('handOffSecrets', () => {
  test('copy the secret (OSC 52, not printed), reveal it once, then Done: the reveal is offered only once', async () => {
    const redactor = new Redactor();
    redactor.add(FAKE.inveniasClientSecret);
    const stderr = collect();
    const terminal = collect();
    terminal.stream.isTTY = true;
    const out = new Output({ json: false, redactor, stderr: stderr.stream, stdout: collect().stream, env: { NO_COLOR: '1' } });
    const { prompter, shown } = scripted([/^Copy the Client Secret/, /^Show the Client Secret once/, /^Done/]);
    await handOffSecrets({ prompter, out, values, revealCommand: REVEAL, clipboard: { terminal: terminal.stream, env: {} } });

    expect(terminal.text()).toBe(osc52(FAKE.inveniasClientSecret, {}));
    expect(stderr.text()).toContain("• Sent the Client Secret to your terminal's clipboard (OSC 52), which cannot be confirmed");
    expect(stderr.text()).not.toContain('✔');
    expect(stderr.text().split(FAKE.inveniasClientSecret)).toHaveLength(2);
    expect(stderr.text()).toContain(`It will not be shown again unprompted; later: ${REVEAL}`);
    expect(shown[0]).toEqual(['Copy the Client ID to the clipboard', 'Copy the Client Secret to the clipboard', 'Show the Client Secret once here', 'Done']);
    expect(shown[2]).not.toContain('Show the Client Secret once here');
  });

  test('Done straight away: nothing copied, nothing shown', async () => {
    const stderr = collect();
    const terminal = collect();
    terminal.stream.isTTY = true;
    const out = new Output({ json: false, redactor: new Redactor(), stderr: stderr.stream, stdout: collect().stream, env: {} });
    await handOffSecrets({ prompter: scripted([/^Done/]).prompter, out, values, revealCommand: REVEAL, clipboard: { terminal: terminal.stream, env: {} } });
    expect(terminal.text()).toBe('');
    expect(stderr.text()).not.toContain(FAKE.inveniasClientSecret);
  });
});

describe('osc52', () => {
  test('plain inside tmux (what set-clipboard on takes), wrapped only for screen', () => {
    const inner = `\x1b]52;c;${Buffer.from('fake-secret-x').toString('base64')}\x07`;
    expect(osc52('fake-secret-x', {})).toBe(inner);
    expect(osc52('fake-secret-x', { TMUX: '/tmp/tmux-0/default,1,0', TERM: 'screen-256color' })).toBe(inner);
    expect(osc52('fake-secret-x', { TERM: 'screen' })).toBe(`\x1bP${inner}\x1b\\`);
  });
});
