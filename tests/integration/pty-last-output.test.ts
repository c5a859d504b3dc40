// The pseudo-terminal helper itself: what a program printed just before it exited reaches the test whole, even when
// the test process was too busy to read it before the program was gone.
import { describe, expect, test } from '@jest/globals';
import { startPtyClosedAfterEach } from '../helpers/pty.js';

const startPty = startPtyClosedAfterEach();

describe('a program that prints its last lines and exits while nobody reads the terminal', () => {
  test('those last lines are on the screen after it exited', async () => {
    // It waits for a key, then prints (less than a terminal holds unread, so it can exit without anyone reading) and exits.
    const script = `process.stdout.write('READY\\n'); process.stdin.setRawMode(true); process.stdin.once('data', () => { process.stdout.write('last line '.repeat(100) + '\\nTHE END\\n'); process.exit(0); });`;
    const terminal = startPty(['-e', script], {}, { file: process.execPath });
    await terminal.waitFor('READY');
    terminal.pause();
    terminal.type('x');
    expect(await terminal.exit).toBe(0);
    expect(terminal.screen()).toContain('THE END');
  });
});
