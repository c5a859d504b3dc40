// The process around the CLI: its arguments, streams, environment and clock, and the exit once output is flushed.
import { connectors } from './connectors/index.js';
import { systemClock } from './core/clock.js';
import { runCli } from './program.js';

// A reader that stops early (`profiles list | head`) closes the pipe: the rest has nowhere to go, which is not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

const deps = {
  registry: connectors,
  env: process.env,
  // Made when a command first reads it: making it costs milliseconds, and most commands never do.
  get stdin() {
    return process.stdin;
  },
  stdout: process.stdout,
  stderr: process.stderr,
  clock: systemClock,
};

runCli(process.argv, deps).then(
  (code) => {
    // Output was flushed; nothing left is worth waiting for (e.g. sockets winding down).
    process.exit(code);
  },
  (error: unknown) => {
    // Only a fault of the command table itself gets here; its text is not known to be free of secrets.
    const detail = process.env.CONNECTOR_SETUP_DEBUG ? `: ${(error as Error)?.name ?? 'Error'}` : ' (set CONNECTOR_SETUP_DEBUG=1 for details)';
    process.stderr.write(`connector-setup: unexpected problem${detail}\n`);
    process.exit(1);
  },
);
