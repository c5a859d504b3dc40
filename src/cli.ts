// The entry point. `--version` is answered here, before the command table (dist/main.js) is even read: CI
// jobs and people checking an install run it often, and it needs nothing else. `--help` pages are read from
// dist/help.json, which the build writes from the command table (help-pages.ts), and laid out by commander's Help.
// `profiles list` and `profiles show` load dist/profiles.js: the same program without the table and the other commands.
import { readProfilesCommand } from './profiles-line.js';

declare const __VERSION__: string;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

const args = process.argv.slice(2);
const last = args[args.length - 1];
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v' || args[0] === '-V')) {
  process.stdout.write(`${VERSION}\n`);
} else if ((last === '--help' || last === '-h') && (await import('./help.js')).printHelp(args)) {
  // Printed.
} else if (readProfilesCommand(process.argv)) {
  await import('./profiles.js');
} else {
  await import('./main.js');
}
