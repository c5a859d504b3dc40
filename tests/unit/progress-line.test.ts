// The live progress line on a terminal: it fits one row, and a line said while it runs replaces it rather than
// being glued to its end (which would leave the spinner's text behind on the screen).
import { PassThrough } from 'node:stream';
import { describe, expect, test } from '@jest/globals';
import { Output } from '../../src/core/terminal/output.js';
import { Redactor } from '../../src/core/redact.js';

function terminal(columns: number): { stream: PassThrough & { isTTY: boolean; columns: number }; text: () => string } {
  const stream = Object.assign(new PassThrough(), { isTTY: true, columns });
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { stream, text: () => text };
}

describe.each([40, 120])('progress on a %i-column terminal', (columns) => {
  test('a warning said while the spinner runs starts on a cleared row', () => {
    const stderr = terminal(columns);
    const out = new Output({ json: false, redactor: new Redactor(), stderr: stderr.stream, stdout: new PassThrough(), env: { NO_COLOR: '1' } });
    const progress = out.progress('Creating the ThirdPartyApplication');
    out.warn('keychain unavailable');
    progress.done(true);
    const rows = stderr.text().split(/\r|\n/);
    expect(rows).toContain('! keychain unavailable');
    expect(rows.some((row) => /ThirdPartyApplication!/.test(row))).toBe(false);
  });

  test('a label longer than the row is cut to fit it, and the final line keeps it whole', () => {
    const stderr = terminal(columns);
    const out = new Output({ json: false, redactor: new Redactor(), stderr: stderr.stream, stdout: new PassThrough(), env: { NO_COLOR: '1' } });
    const label = `Token request (client credentials, Client Secret Post) to ${'a'.repeat(70)}.example`;
    out.progress(label).done(true);
    const [live] = stderr.text().split('\r');
    expect([...(live ?? '')].length).toBeLessThan(columns);
    expect(stderr.text().replace(/\s+/g, '')).toContain(label.replace(/\s+/g, ''));
  });

  test('a status line (a countdown, verify --all progress) fits one row too', () => {
    const stderr = terminal(columns);
    const out = new Output({ json: false, redactor: new Redactor(), stderr: stderr.stream, stdout: new PassThrough(), env: { NO_COLOR: '1' } });
    out.status(`Trying again in 2 s (try 2 of 4): PingOne can take a few seconds to apply a console change… ${'x'.repeat(80)}`);
    const drawn = stderr.text().split('\x1b[K').at(-1) ?? '';
    expect([...drawn].length).toBeLessThan(columns);
    expect(drawn.startsWith('Trying again in 2 s')).toBe(true);
  });
});
