// The command table. Each command's module is imported only when that command runs, so --version and
// --help load almost nothing.
import type { Command } from 'commander';
import { connectors } from './connectors/index.js';
import type { ConnectorDefinition } from './connectors/types.js';
import type { ExitCode } from './core/errors.js';

declare const __VERSION__: string;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

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
    .description(`${connector.title} partner setup: guide, collect, verify, save (${connector.summary})`)
    .option('--verify', 'verify values from flags, stdin, environment and the saved profile; never prompts')
    .option('--no-save', 'do not save a profile');
  for (const field of connector.fields) {
    if (field.flag) command.option(`${field.flag} <value>`, `${field.label}${field.env ? ` (env ${field.env})` : ''}`);
    if (field.stdinFlag) command.option(field.stdinFlag, `read the ${field.label} from stdin (one line)${field.env ? `; or env ${field.env}` : ''}`);
  }
  for (const extra of connector.extraFlags) command.option(extra.flags, extra.description);
  addGeneralOptions(command).action((options: Record<string, unknown>) =>
    run(import('./commands/setup.js').then(({ runSetup }) => runSetup(connector, options))),
  );
}

export async function main(argv: string[]): Promise<ExitCode> {
  // The fastest path: nothing but the version string.
  if (argv.length === 3 && (argv[2] === '--version' || argv[2] === '-V')) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
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
    .configureOutput({ writeOut: (text) => process.stdout.write(text), writeErr: (text) => process.stderr.write(text) });
  for (const connector of connectors) addConnectorCommand(program, connector, run);
  addGeneralOptions(
    program
      .command('connectors')
      .description('the supported connectors and the fields each needs'),
  ).action((options: Record<string, unknown>) => run(import('./commands/connectors.js').then(({ runConnectors }) => runConnectors(options))));

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

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  async (error: unknown) => {
    // A typed error raised before a command could render it (e.g. a bad --timeout): still its own exit code.
    const { CliError, toErrorJson } = await import('./core/errors.js');
    if (error instanceof CliError) {
      process.stderr.write(`✖ ${error.message} [${error.code}]\n${error.hint ? `  Fix: ${error.hint}\n` : ''}`);
      if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify({ ok: false, error: toErrorJson(error) }, null, 2)}\n`);
      process.exitCode = error.exitCode;
      return;
    }
    process.stderr.write(`connector-setup: unexpected problem: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
