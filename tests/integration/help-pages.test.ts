// --help as people run it: the built CLI prints each page from what the build stored, without the command table,
// and that page is commander's own, byte for byte, for every command, piped or at any terminal width.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { Command } from 'commander';
import { connectors } from '../../src/connectors/index.js';
import { formatHelpPage, helpPages } from '../../src/help-pages.js';
import { helpTable } from '../../src/program.js';
import { type CliResult, ROOT, runCli, runCliProcess } from '../helpers/cli.js';
import { startPtyClosedAfterEach } from '../helpers/pty.js';

const startPty = startPtyClosedAfterEach();

/** Every command of the table with its words: [] for the program, ['profiles', 'list'], ... */
function commandPaths(command: Command, words: string[] = []): string[][] {
  return [words, ...command.commands.flatMap((sub) => commandPaths(sub, [...words, sub.name()]))];
}

/** What commander itself prints for `WORDS --help` at `width` columns. */
function commanderHelp(words: string[], width: number): string {
  let command = helpTable(connectors, Command);
  for (const word of words) command = command.commands.find((sub) => sub.name() === word) as Command;
  let text = '';
  command.configureOutput({ writeOut: (chunk) => (text += chunk), getOutHelpWidth: () => width });
  command.outputHelp();
  return text;
}

const paths = commandPaths(helpTable(connectors, Command));

describe('--help', () => {
  test('the table has the pages people ask for', () => {
    expect(paths.map((words) => words.join(' '))).toEqual(expect.arrayContaining(['', 'pingone', 'invenias', 'verify', 'profiles', 'profiles list', 'completion']));
  });

  test.each([40, 80, 120, 200])('every page laid out at %i columns is the one commander prints', (width) => {
    const pages = helpPages(helpTable(connectors, Command));
    for (const words of paths) expect({ command: words, text: formatHelpPage(pages[words.join(' ')]!, width) }).toEqual({ command: words, text: commanderHelp(words, width) });
  });

  test('the built CLI has every page of the current table', () => {
    const stored: unknown = JSON.parse(readFileSync(path.join(ROOT, 'dist/help.json'), 'utf8'));
    expect(stored).toEqual(helpPages(helpTable(connectors, Command)));
  });

  describe('every page, printed by the built CLI', () => {
    // Every page and flag through the built entry in one process (help-in-one-process.ts): a Node start per page
    // would cost more than printing all of them.
    const lines = paths.flatMap((words) => ['--help', '-h'].map((flag) => [...words, flag]));
    let run: CliResult;
    let printed: { args: string[]; stdout: string; stderr: string }[];
    beforeAll(async () => {
      run = await runCliProcess([JSON.stringify(lines)], { bin: path.join(ROOT, 'build/tests/helpers/help-in-one-process.js') });
      printed = run.code === 0 ? JSON.parse(run.stdout) : [];
    });

    test.each(paths.map((words) => [words.join(' ') || '(the program)', words]))('%s --help and -h print what the command table prints', async (_name, words) => {
      const expected = await runCli([...(words as string[]), '--help']);
      expect(expected.code).toBe(0);
      expect(expected.stdout).toContain('Usage: connector-setup');
      for (const flag of ['--help', '-h']) {
        const line = printed.find((each) => each.args.join(' ') === [...(words as string[]), flag].join(' '));
        expect({ flag, code: run.code, stdout: line?.stdout, stderr: `${run.stderr}${line?.stderr ?? ''}` }).toEqual({ flag, code: 0, stdout: expected.stdout, stderr: '' });
      }
    });
  });

  test('on a terminal the page fits its width, as commander would lay it out', async () => {
    const terminal = startPty(['verify', '--help'], {}, { cols: 50 });
    expect(await terminal.exit).toBe(0);
    expect(terminal.screen().trimEnd()).toBe(commanderHelp(['verify'], 50).trimEnd());
  });
});
