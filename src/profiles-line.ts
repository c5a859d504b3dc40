// `profiles list` and `profiles show`, what people run over a thousand profiles, read from the command line without
// the command table: cli.ts uses it to load the smaller bundle that has no table (dist/profiles.js), and runCli to skip
// building one. Only a line whose every word after the subcommand is one of its flags or an argument is taken, read
// as commander reads it (tests/integration/profiles-read-alone.test.ts holds the two to the same reading, form by form);
// anything else (--copy, --help, a typo, a missing or extra argument) is left to commander.
import type { ProfilesShowOptions } from './commands/profiles.js';

/** `profiles list` or `profiles show` as asked: read by the table's actions (program.ts), or by readProfilesCommand. */
export type ProfilesCommand = { command: 'list'; json: boolean } | { command: 'show'; json: boolean; options: ProfilesShowOptions };

/** The `profiles list|show` a process's argv asks for, when it can be read alone; else undefined. */
export function readProfilesCommand(argv: readonly string[]): ProfilesCommand | undefined {
  if (argv[2]?.toLowerCase() !== 'profiles') return undefined;
  const flags = new Set<string>();
  const operands: string[] = [];
  for (const word of argv.slice(4)) {
    if (word.startsWith('-')) flags.add(word);
    else operands.push(word);
  }
  const only = (...known: string[]): boolean => [...flags].every((flag) => known.includes(flag));
  const json = flags.has('--json');
  if (argv[3] === 'list' && operands.length === 0 && only('--json')) return { command: 'list', json };
  const [connector, name, ...more] = operands;
  if (argv[3] === 'show' && connector !== undefined && more.length === 0 && only('--json', '--show-secrets')) {
    return { command: 'show', json, options: { connector, name, showSecrets: flags.has('--show-secrets'), copy: undefined } };
  }
  return undefined;
}
