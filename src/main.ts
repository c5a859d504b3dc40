// The command table, loaded by cli.ts for everything but --version. Each command's module is imported only
// when that command runs.
import type { Command } from 'commander';
import { connectors } from './connectors/index.js';
import type { ConnectorDefinition } from './connectors/types.js';
import type { ExitCode } from './core/errors.js';

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

function addGeneralOptions(command: Command): Command {
  return command
    .option('--profile <name>', 'profile name', undefined)
    .option('--no-input', 'never prompt; fail (exit 2) when a value is missing')
    .option('--json', 'print one JSON document on stdout')
    .option('--timeout <seconds>', 'timeout of each request (default 15)')
    .option('--show-secrets', 'show secrets instead of masking them');
}

function addConnectorCommand(program: Command, connector: ConnectorDefinition, run: (code: Promise<ExitCode>) => void): void {
  const command = program
    .command(connector.name)
    .description(`${connector.title} partner setup: guide, collect, verify, save. ${connector.summary}.`)
    .option('--verify', 'verify values from flags, stdin, environment and the saved profile; never prompts')
    .option('--no-save', 'do not save a profile');
  for (const field of connector.fields) {
    const where = [field.env && `env ${field.env}`, field.defaultValue && `default ${field.defaultValue}`].filter(Boolean).join('; ');
    if (field.flag) command.option(`${field.flag} <value>`, `${field.label}${where ? ` (${where})` : ''}`);
    if (field.stdinFlag) command.option(field.stdinFlag, `read the ${field.label} from stdin (one line)${field.env ? `; or env ${field.env}` : ''}`);
  }
  for (const extra of connector.extraFlags) command.option(extra.flags, extra.description);
  addGeneralOptions(command).action((options: Record<string, unknown>) =>
    run(import('./commands/setup.js').then(({ runSetup }) => runSetup(connector, options))),
  );
}

async function main(argv: string[]): Promise<ExitCode> {
  const { Command: CommandClass, CommanderError } = await import('commander');
  const program = new CommandClass();
  let pending: Promise<ExitCode> | undefined;
  const run = (code: Promise<ExitCode>): void => {
    pending = code;
  };
  program
    .name('connector-setup')
    .description('Guided, verified, repeatable partner setup for Cyclr connectors.')
    .version(VERSION)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => process.stdout.write(text),
      writeErr: (text) => process.stderr.write(quietUsageError(text)),
    });
  for (const connector of connectors) addConnectorCommand(program, connector, run);
  program
    .command('connectors')
    .description('the supported connectors and the fields each needs')
    .option('--json', 'print one JSON document on stdout')
    .action((options: Record<string, unknown>) => run(import('./commands/connectors.js').then(({ runConnectors }) => runConnectors(options))));

  const profiles = program.command('profiles').description('saved profiles: list, show, export, remove');
  profiles
    .command('list')
    .description('every saved profile: connector, name, non-secret values, where the secret lives, last verified, expiry')
    .option('--json', 'print one JSON document on stdout')
    .action((options: Record<string, unknown>) => run(import('./commands/profiles.js').then(({ runProfilesList }) => runProfilesList(options))));
  profiles
    .command('show <connector> [name]')
    .description('one profile; secrets masked unless --show-secrets')
    .option('--json', 'print one JSON document on stdout')
    .option('--show-secrets', 'show secrets instead of masking them')
    .option('--copy <field>', 'copy one value (e.g. client-secret) to the clipboard instead; it is not printed')
    .action((connector: string, name: string | undefined, options: Record<string, unknown>) =>
      run(import('./commands/profiles.js').then(({ runProfilesShow }) => runProfilesShow(connector, name, options))),
    );
  profiles
    .command('export <connector> [name]')
    .description('the values, secrets included, as shell export lines or JSON')
    .option('--format <format>', 'env (export lines) or json', 'env')
    .action((connector: string, name: string | undefined, options: Record<string, unknown>) =>
      run(import('./commands/profiles.js').then(({ runProfilesExport }) => runProfilesExport(connector, name, options))),
    );
  profiles
    .command('remove <connector> <name>')
    .description('remove a profile and its secrets (keychain included); in a terminal, asks first')
    .option('--json', 'print one JSON document on stdout')
    .option('--yes', 'remove without asking (scripts); without a terminal it is required')
    .action((connector: string, name: string, options: Record<string, unknown>) =>
      run(import('./commands/profiles.js').then(({ runProfilesRemove }) => runProfilesRemove(connector, name, options))),
    );
  program
    .command('verify')
    .description('verify saved profiles (CI): concurrently, one token request each')
    .option('--all', 'every saved profile (the default when nothing narrows it)')
    .option('--connector <name>', 'only profiles of this connector')
    .option('--profile <name>', 'only profiles with this name')
    .option('--expiring-within <days>', 'fail (expiring_soon, exit 1) when an application expires within DAYS days')
    .option('--concurrency <n>', 'profiles verified at once (default 8, at most 64)')
    .option('--json', 'print one JSON document on stdout')
    .option('--junit <file>', 'also write a JUnit XML report to FILE')
    .option('--timeout <seconds>', 'timeout of each request (default 15)')
    .action((options: Record<string, unknown>) => run(import('./commands/verify.js').then(({ runVerify }) => runVerify(options))));

  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.unknownCommand') {
        process.stderr.write(`Supported connectors: ${connectors.map((connector) => connector.name).join(', ')} (see connector-setup connectors).\n`);
      }
      // --help and --version end here with code 0; usage errors are bad input (exit 2).
      return error.exitCode === 0 ? 0 : 2;
    }
    throw error;
  }
  return pending ? await pending : 0;
}

interface ErrorLike {
  code: string;
  message: string;
  hint: string;
  exitCode: ExitCode;
}

function isCliError(error: unknown): error is ErrorLike {
  const candidate = error as Partial<ErrorLike> | null;
  return typeof candidate?.code === 'string' && typeof candidate.exitCode === 'number' && typeof candidate.hint === 'string';
}

main(process.argv).then(
  (code) => {
    // Output was flushed by the command; nothing left is worth waiting for (e.g. sockets winding down).
    process.exit(code);
  },
  (error: unknown) => {
    // A CliError raised before a command could render it (a bad --timeout, say): shown the way commands show theirs.
    if (isCliError(error)) {
      process.stderr.write(`✖ ${error.message} [${error.code}]\n${error.hint ? `  Fix: ${error.hint}\n` : ''}`);
      if (process.argv.includes('--json')) {
        process.stdout.write(`${JSON.stringify({ ok: false, error: { code: error.code, message: error.message, hint: error.hint } }, null, 2)}\n`);
      }
      process.exitCode = error.exitCode;
      return;
    }
    // Not one of ours, so not known to be free of secrets: its text is shown only when debugging.
    const detail = process.env.CONNECTOR_SETUP_DEBUG ? `: ${(error as Error)?.stack ?? String(error)}` : ' (set CONNECTOR_SETUP_DEBUG=1 for details)';
    process.stderr.write(`connector-setup: unexpected problem${detail}\n`);
    process.exitCode = 1;
  },
);
