// `[COMMAND [SUBCOMMAND]] --help` from the pages the build stored (dist/help.json), at the width commander would
// use: the terminal's columns, else 80. Anything else (or no stored pages, as in a run from the sources) goes to
// the command table.
import { readFileSync } from 'node:fs';
import { askedPage, formatHelpPage, type HelpPages } from './help-pages.js';

export function printHelp(args: readonly string[]): boolean {
  let pages: HelpPages;
  try {
    pages = JSON.parse(readFileSync(new URL('./help.json', import.meta.url), 'utf8')) as HelpPages;
  } catch {
    return false;
  }
  const page = askedPage(args, pages);
  if (!page) return false;
  // A reader that stops early (| head) closes the pipe: that is not a failure worth a stack trace.
  process.stdout.on('error', () => undefined);
  process.stdout.write(formatHelpPage(page, (process.stdout.isTTY ? process.stdout.columns : undefined) ?? 80));
  return true;
}
