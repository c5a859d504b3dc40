// The command table and the one place a command's outcome is rendered and turned into an exit code. main.ts runs
// it for the process; tests run it in-process with their own streams, environment and connector registry.
import type { Command } from 'commander';
import type { Connector } from './core/run/connector.js';
import type { CliDeps, Io } from './core/run/io.js';
import { optionKey } from './core/run/fields.js';
import type { GeneralOptions } from './core/run/session.js';
import { type ProfilesCommand, readProfilesCommand } from './profiles-line.js';
import type { SetupOptions } from './commands/setup.js';
import type { VerifyOptions } from './commands/verify.js';
import { type ExitCode, InputError } from './core/errors.js';
import { type Hint, command, startedAs } from './core/hint.js';
import { type CommandOutcome, exitCodeOf } from './core/outcome.js';
import { Output } from './core/terminal/output.js';
import { Redactor } from './core/redact.js';
import { render } from './core/terminal/render.js';
import { asCliError } from './core/run/runner.js';

declare const __VERSION__: string;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

/**
 * Usage errors repeat what was typed, which may be a pasted secret (`--client-secret=...`, or a secret where a
 * command belongs): only option and command names are repeated, and no control character reaches the terminal.
 */
function quietUsageError(text: string): string {
  return text
    .replace(/'([^'\n]*)'/g, (quoted, inner: string) => {
      // An option as commander spells it (`--timeout <seconds>`), or a short lower-case command name.
      if (/^--?[A-Za-z][A-Za-z0-9-]{0,40}( [<[][A-Za-z.-]+[>\]])?$/.test(inner) || /^[a-z][a-z0-9-]{0,23}$/.test(inner)) return quoted;
      const option = /^--?[A-Za-z][A-Za-z0-9-]{0,40}/.exec(inner);
      return option ? `'${option[0]}…'` : "'…'";
    })
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, '?');
}

/** What the top-level --help says after the commands: a start, the environment, the exit codes and where to read more. */
const PROGRAM_HELP = `
Examples:
  connector-setup pingone         guided PingOne setup, checked with a token
  connector-setup invenias        guided Invenias setup: creates the application
  connector-setup pingone --verify --profile production
  connector-setup verify --all --json --junit reports/connector-setup.xml
  connector-setup profiles list

Environment:
  CONNECTOR_SETUP_PROFILE       the profile when --profile is not given
  CONNECTOR_SETUP_CONFIG_DIR    where profiles live (default: OS config dir)
  CONNECTOR_SETUP_SECRET_STORE  keychain, file or a vault (op:, vault:, pass:)
  CONNECTOR_SETUP_DEBUG         1: details of keychain and unexpected errors
  NO_COLOR, HTTPS_PROXY, NO_PROXY, NODE_EXTRA_CA_CERTS, BROWSER (none: never)
  Each value's variable (PINGONE_CLIENT_SECRET, ...): connector-setup connectors

Exit codes:
  0    done; every check passed
  1    the service answered no: credentials rejected, app misconfigured
  2    bad or missing input, unknown profile, damaged config, answered no
  3    the service could not be asked: network, DNS, TLS, timeout, 5xx
  130  interrupted (Ctrl+C)

More: the README (npm docs connector-setup), with every error code and its fix.
`;

function addGeneralOptions(command: Command): Command {
  return command
    .option('--profile <name>', 'profile name', undefined)
    .option('--no-input', 'never prompt; fail (exit 2) when a value is missing')
    .option('--json', 'print one JSON document on stdout')
    .option('--timeout <seconds>', 'timeout of each request (default 15)')
    .option('--show-secrets', 'show secrets instead of masking them');
}

type Work = (io: Io) => Promise<CommandOutcome>;
/** Starts a command's work with an output for JSON or for people. */
type Run = (json: boolean, work: Work) => void;

/**
 * commander's parsed options, as its action hands them over: read here, once, into each command's typed options
 * (the commands never see this bag).
 */
type Parsed = Record<string, unknown>;

function text(parsed: Parsed, key: string): string | undefined {
  const value = parsed[key];
  return typeof value === 'string' ? value : undefined;
}

function on(parsed: Parsed, key: string): boolean {
  return parsed[key] === true;
}

function generalOptions(parsed: Parsed): GeneralOptions {
  return { profile: text(parsed, 'profile'), input: parsed.input !== false, json: on(parsed, 'json'), timeout: text(parsed, 'timeout'), showSecrets: on(parsed, 'showSecrets') };
}

function setupOptions(connector: Connector, parsed: Parsed): SetupOptions {
  const flagNames = [
    ...connector.fields.flatMap((field) => [field.flag, field.stdinFlag]),
    ...connector.extraFlags.map((extra) => extra.flags.split(' ')[0]),
  ].filter((flag): flag is string => flag !== undefined);
  const flags: Record<string, string | boolean> = {};
  for (const key of flagNames.map(optionKey)) {
    const value = parsed[key];
    if (typeof value === 'string' || typeof value === 'boolean') flags[key] = value;
  }
  return { ...generalOptions(parsed), verify: on(parsed, 'verify'), save: parsed.save !== false, secretOut: text(parsed, 'secretOut'), store: text(parsed, 'store'), flags };
}

function verifyOptions(parsed: Parsed): VerifyOptions {
  return {
    all: on(parsed, 'all'),
    connector: text(parsed, 'connector'),
    profile: text(parsed, 'profile'),
    expiringWithin: text(parsed, 'expiringWithin'),
    concurrency: text(parsed, 'concurrency'),
    junit: text(parsed, 'junit'),
    timeout: text(parsed, 'timeout'),
  };
}

function addConnectorCommand(program: Command, connector: Connector, run: Run): void {
  const command = program
    .command(connector.name)
    .description(`${connector.title} partner setup: guide, collect, verify, save. ${connector.summary}.`)
    .option(
      '--verify',
      `check one profile's values, given now (flags, stdin, environment) or saved; never prompts. To check saved profiles (CI), use: connector-setup verify --connector ${connector.name}`,
    )
    .option('--no-save', 'do not save a profile');
  for (const field of connector.fields) {
    const where = [field.env && `env ${field.env}`, field.defaultValue && `default ${field.defaultValue}`].filter(Boolean).join('; ');
    if (field.flag) command.option(`${field.flag} <value>`, `${field.label}${field.form ? `: ${field.form}` : ''}${where ? ` (${where})` : ''}`);
    if (field.stdinFlag) command.option(field.stdinFlag, `read the ${field.label} from stdin (one line)${field.env ? `; or env ${field.env}` : ''}`);
  }
  for (const extra of connector.extraFlags) command.option(extra.flags, extra.description);
  if (connector.oneTimeSecret) command.option('--secret-out <file>', 'where a secret shown only once goes (mode 0600) if the profile cannot keep it');
  command.option('--store <where>', 'where new secrets go: keychain, file, op:VAULT, vault:PATH or pass:PREFIX (or CONNECTOR_SETUP_SECRET_STORE)');
  addGeneralOptions(command).action((parsed: Parsed) => {
    const options = setupOptions(connector, parsed);
    run(options.json, (io) => import('./commands/setup.js').then(({ setupCommand }) => setupCommand(io, connector, options)));
  });
}

function startProfilesCommand(run: Run, asked: ProfilesCommand): void {
  if (asked.command === 'list') run(asked.json, (io) => import('./commands/profiles.js').then(({ runProfilesList }) => runProfilesList(io)));
  else run(asked.json, (io) => import('./commands/profiles.js').then(({ runProfilesShow }) => runProfilesShow(io, asked.options)));
}

function buildProgram(
  deps: CliDeps,
  run: Run,
  Program: typeof Command,
  writeErr: (text: string) => void,
  profilesCommand: (asked: ProfilesCommand) => void = (asked) => startProfilesCommand(run, asked),
): Command {
  const program = new Program();
  program
    .name('connector-setup')
    .description('Guided, verified, repeatable partner setup for Cyclr connectors.')
    .version(VERSION, '-v, --version', 'print the version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => deps.stdout.write(text),
      writeErr: (text) => writeErr(quietUsageError(text)),
    })
    .addHelpText('after', PROGRAM_HELP);
  for (const connector of deps.registry) addConnectorCommand(program, connector, run);
  program
    .command('connectors')
    .description('the supported connectors and the fields each needs')
    .option('--json', 'print one JSON document on stdout')
    .action((parsed: Parsed) => run(on(parsed, 'json'), (io) => import('./commands/connectors.js').then(({ connectorsCommand }) => connectorsCommand(io))));

  const profiles = program.command('profiles').description('saved profiles: list, show, export, import, remove');
  profiles
    .command('list')
    .description('every saved profile: connector, name, non-secret values, where the secret lives, last verified, expiry')
    .option('--json', 'print one JSON document on stdout')
    .action((parsed: Parsed) => profilesCommand({ command: 'list', json: on(parsed, 'json') }));
  profiles
    .command('show <connector> [name]')
    .description('one profile; secrets masked unless --show-secrets')
    .option('--json', 'print one JSON document on stdout')
    .option('--show-secrets', 'show secrets instead of masking them')
    .option('--copy <field>', 'copy one value (e.g. client-secret) to the clipboard instead; it is not printed')
    .action((connector: string, name: string | undefined, parsed: Parsed) =>
      profilesCommand({ command: 'show', json: on(parsed, 'json'), options: { connector, name, showSecrets: on(parsed, 'showSecrets'), copy: text(parsed, 'copy') } }),
    );
  profiles
    .command('export <connector> [name]')
    .description('the values, secrets included, for a shell, a dotenv file (gh secret set -f, Docker) or JSON')
    .option('--format <format>', 'env (POSIX export lines), dotenv, json, fish or powershell', 'env')
    .option('--show-secrets', 'print them on a terminal without asking (a file or pipe gets them anyway)')
    .action((connector: string, name: string | undefined, parsed: Parsed) => {
      const options = { connector, name, format: text(parsed, 'format') ?? 'env', showSecrets: on(parsed, 'showSecrets') };
      // Its output is data in either format; --json is not one of its options.
      run(false, (io) => import('./commands/profiles.js').then(({ runProfilesExport }) => runProfilesExport(io, options)));
    });
  profiles
    .command('import [file]')
    .description('save a profile from what export wrote (FILE, or stdin when FILE is - or absent): checked, atomic')
    .option('--format <format>', 'json or dotenv (NAME=value or export lines); by default read from the content')
    .option('--connector <name>', 'the connector (dotenv: by default the one whose variables they are)')
    .option('--profile <name>', 'save under this name (default: the name in the file, else CONNECTOR_SETUP_PROFILE, else default)')
    .option('--force', 'replace a different profile of the same name')
    .option('--store <where>', 'where its secrets go: keychain, file, op:VAULT, vault:PATH or pass:PREFIX (or CONNECTOR_SETUP_SECRET_STORE)')
    .option('--json', 'print one JSON document on stdout')
    .action((file: string | undefined, parsed: Parsed) => {
      const options = { file, format: text(parsed, 'format'), connector: text(parsed, 'connector'), profile: text(parsed, 'profile'), force: on(parsed, 'force'), store: text(parsed, 'store') };
      run(on(parsed, 'json'), (io) => import('./commands/profiles.js').then(({ runProfilesImport }) => runProfilesImport(io, options)));
    });
  profiles
    .command('remove <connector> <name>')
    .description('remove a profile and its secrets (keychain included); in a terminal, asks first')
    .option('--json', 'print one JSON document on stdout')
    .option('--yes', 'remove without asking (scripts); without a terminal it is required')
    .action((connector: string, name: string, parsed: Parsed) => {
      const options = { connector, name, yes: on(parsed, 'yes') };
      run(on(parsed, 'json'), (io) => import('./commands/profiles.js').then(({ runProfilesRemove }) => runProfilesRemove(io, options)));
    });
  program
    .command('completion <shell>')
    .description('a completion script for bash, zsh, fish or powershell (commands, flags, values, profile names)')
    .action((shell: string) =>
      run(false, (io) => import('./commands/completion.js').then(({ completionScript }) => ({ kind: 'data', lines: completionScript(shell, io.registry.map((connector) => connector.name)).trimEnd().split('\n') }))),
    );
  program
    .command('verify')
    .description(
      "verify saved profiles (CI), concurrently, each with the requests its setup sends (PingOne: a token request; Invenias: a token request and one API call). Values given on the command line: connector-setup <connector> --verify",
    )
    .option('--all', 'every saved profile (the default when nothing narrows it)')
    .option('--connector <name>', 'only profiles of this connector')
    .option('--profile <name>', 'only profiles with this name')
    .option('--expiring-within <days>', 'fail (expiring_soon, exit 1) when an application expires within DAYS days')
    .option('--concurrency <n>', 'profiles verified at once (default 32, at most 64; at most 8 to one host)')
    .option('--json', 'print one JSON document on stdout')
    .option('--junit <file>', 'also write a JUnit XML report to FILE')
    .option('--timeout <seconds>', 'timeout of each request (default 15)')
    .action((parsed: Parsed) => {
      const options = verifyOptions(parsed);
      run(on(parsed, 'json'), (io) => import('./commands/verify.js').then(({ verifyCommand }) => verifyCommand(io, options)));
    });
  return program;
}

/** The command table alone, as --help shows it: scripts/build.mjs stores its pages (help-pages.ts) for cli.ts. */
export function helpTable(registry: readonly Connector[], Program: typeof Command): Command {
  // The table reads only the registry, and writes only when it is run.
  const deps = { registry, stdout: { write: () => true } } as unknown as CliDeps;
  return buildProgram(deps, () => undefined, Program, () => undefined);
}

/**
 * How the command table itself reads a command line: the `profiles list|show` it asks for, undefined for any other
 * command, 'refused' for what it answers with help or a usage error. readProfilesCommand is held to it.
 */
export async function readByTable(argv: readonly string[], registry: readonly Connector[], Program: typeof Command): Promise<ProfilesCommand | 'refused' | undefined> {
  const deps = { registry, stdout: { write: () => true } } as unknown as CliDeps;
  let asked: ProfilesCommand | undefined;
  const table = buildProgram(deps, () => undefined, Program, () => undefined, (command) => (asked = command));
  try {
    await table.parseAsync(normaliseCommand(argv, table));
  } catch {
    return 'refused';
  }
  return asked;
}

/**
 * A secret typed as a flag value (`--client-secret x`) would sit in shell history and `ps`: refused before anything
 * else, naming the flag and variable that work. The value is never repeated.
 */
function secretGivenAsFlag(argv: readonly string[], registry: readonly Connector[]): InputError | undefined {
  const named = registry.filter((connector) => connector.name === argv[2]?.toLowerCase());
  for (const connector of [...named, ...registry]) {
    for (const field of connector.fields) {
      if (!field.stdinFlag) continue;
      const plain = field.stdinFlag.replace(/-stdin$/, '');
      if (argv.some((arg) => arg === plain || arg.startsWith(`${plain}=`))) {
        return new InputError(
          'usage',
          `unknown option '${plain}': a ${field.label} on the command line would end up in shell history and in ps.`,
          `Pipe it to ${field.stdinFlag} (one line on stdin)${field.env ? ` or set ${field.env}` : ''}.`,
        );
      }
    }
  }
  return undefined;
}

/** `connector-setup PingOne` works as `pingone`: command names are lower-case, and people type what they read. */
function normaliseCommand(argv: readonly string[], program: Command): string[] {
  const copy = [...argv];
  // The version's short flag was -V before -v: both print it.
  if (copy.length === 3 && copy[2] === '-V') copy[2] = '--version';
  const first = copy[2];
  if (first === undefined || first.startsWith('-')) return copy;
  const known = program.commands.map((command) => command.name());
  const match = known.find((name) => name === first.toLowerCase());
  if (match) copy[2] = match;
  return copy;
}

/**
 * Commander's usage error (`error: unknown option '--verfy'`, then `(Did you mean --verify?)`) as the tool's own
 * failure: one sentence with the suggestion kept, and the help page of the command that was typed as the fix.
 */
function usageError(text: string, argv: readonly string[], program: Command, registry: readonly Connector[], code: string): InputError {
  const lines = text.split('\n').map((line) => line.trim()).filter(Boolean);
  const said = lines[0]?.replace(/^error: /, '').replace(/\.$/, '') ?? 'usage error';
  const suggestion = lines.find((line) => line.startsWith('(Did you mean'))?.replace(/^\((.*)\)$/, '$1');
  const message = `${said.charAt(0).toUpperCase()}${said.slice(1)}.${suggestion ? ` ${suggestion}` : ''}`;
  // The deepest command typed before the mistake: its help page lists what it takes.
  const path: string[] = [];
  let current = program;
  for (const word of argv.slice(2)) {
    const sub = current.commands.find((candidate) => candidate.name() === word);
    if (!sub) break;
    path.push(word);
    current = sub;
  }
  const help: Hint = ['See ', command(...path, '--help'), '.'];
  if (code === 'commander.unknownCommand' && path.length === 0) {
    const names = registry.map((connector) => connector.name).join(', ');
    return new InputError('usage', message, [`Supported connectors: ${names} (see `, command('connectors'), '); every command: ', command('--help'), '.']);
  }
  return new InputError('usage', message, help);
}

/** The hidden command the completion scripts call (commands/completion.ts), answered without the command table's parsing. */
const COMPLETE_COMMAND = '__complete';

/**
 * `__complete INDEX WORDS...`, what the completion scripts call on each Tab: the candidates for WORDS[INDEX], one
 * per line, from the same command table. Always exit 0: a line that cannot be completed completes nothing.
 */
async function complete(argv: readonly string[], deps: CliDeps, Program: typeof Command): Promise<ExitCode> {
  const { completeWords, savedProfileNames } = await import('./commands/completion.js');
  const index = Number(argv[3]);
  const words = argv.slice(4);
  if (!Number.isInteger(index) || index < 1 || index > words.length) return 0;
  const program = buildProgram(deps, () => undefined, Program, () => undefined);
  const candidates = completeWords(program, deps.registry, words, index, () => savedProfileNames(deps.env));
  if (candidates.length > 0) await new Promise<void>((resolve) => deps.stdout.write(`${candidates.join('\n')}\n`, () => resolve()));
  return 0;
}

/** Runs one command line; returns the exit code (docs/contract.md, Exit codes). Nothing here calls process.exit. */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<ExitCode> {
  let pending: { io: Io; outcome: Promise<CommandOutcome> } | undefined;
  const json = argv.includes('--json');
  // Every command a hint names is printed as this one was typed: through npx, or by the name on PATH.
  const program = startedAs(deps.env, argv[1]);
  const usageOutput = (): Output => new Output({ json, redactor: new Redactor(), stdout: deps.stdout, stderr: deps.stderr, env: deps.env, program });
  const run: Run = (wantsJson, work) => {
    const redactor = new Redactor();
    const out = new Output({ json: wantsJson, redactor, stdout: deps.stdout, stderr: deps.stderr, env: deps.env, program });
    // Not a spread: deps.stdin is read only by a command that uses it (main.ts makes the process's on first use).
    const io: Io = {
      registry: deps.registry,
      env: deps.env,
      get stdin() {
        return deps.stdin;
      },
      stdout: deps.stdout,
      stderr: deps.stderr,
      clock: deps.clock,
      prompter: deps.prompter,
      out,
      redactor,
    };
    pending = { io, outcome: out.loadColors().then(() => work(io)) };
  };
  if (argv[2] === COMPLETE_COMMAND) return complete(argv, deps, (await import('commander')).Command);
  const secretFlag = secretGivenAsFlag(argv, deps.registry);
  if (secretFlag) {
    const out = usageOutput();
    render(out, { kind: 'failed', error: secretFlag });
    await out.flush();
    return 2;
  }
  const profilesCommand = readProfilesCommand(argv);
  if (profilesCommand) startProfilesCommand(run, profilesCommand);
  else {
    const { Command: Program, CommanderError } = await import('commander');
    let usage = '';
    // Commander's words are read, not printed: a usage error is shown like every other failure, and kept whole under --json.
    const commands = buildProgram(deps, run, Program, (text) => (usage += text));
    const typed = normaliseCommand(argv, commands);
    try {
      await commands.parseAsync(typed);
    } catch (error) {
      if (!(error instanceof CommanderError)) throw error;
      // --help and --version end here with code 0; usage errors are bad input (exit 2).
      if (error.exitCode === 0) return 0;
      const out = usageOutput();
      render(out, { kind: 'failed', error: usageError(usage, typed, commands, deps.registry, error.code) });
      await out.flush();
      return 2;
    }
  }
  if (!pending) return 0;
  const { io, outcome } = pending;
  const result = await outcome.catch(
    (error: unknown): CommandOutcome => ({ kind: 'failed', error: asCliError(error, { signal: new AbortController().signal, env: deps.env, out: io.out }) }),
  );
  render(io.out, result);
  if (result.kind === 'batch') result.printed?.();
  if (result.kind === 'run') await result.handOff?.();
  await io.out.flush();
  return exitCodeOf(result);
}

