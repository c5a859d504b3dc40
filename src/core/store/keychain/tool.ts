// The command-line tool a platform keychain is reached through (`security` on macOS, `powershell.exe` on Windows):
// each call runs it to its end, with the value on stdin, and close() ends every call still running.
import type { ChildProcess } from 'node:child_process';
import { childEnvironment } from '../../redact.js';

export interface ToolAnswer {
  code: number;
  stdout: string;
  stderr: string;
}

export class ToolRuns {
  private readonly running = new Set<ChildProcess>();

  /** `env`: the run's environment; the tool gets it without the connectors' secret variables. */
  constructor(
    private readonly command: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** Runs the tool with `args` and `input` on stdin; its exit code and output, or an error if it could not run. */
  run(args: string[], input = ''): Promise<ToolAnswer> {
    // Loaded when first used: node:child_process (and net, dgram) is most of the start-up of a run that never asks a tool.
    const { execFile } = process.getBuiltinModule('node:child_process');
    return new Promise((resolve, reject) => {
      const child = execFile(this.command, args, { encoding: 'utf8', windowsHide: true, env: childEnvironment(this.env) }, (error, stdout, stderr) => {
        this.running.delete(child);
        if (error && typeof error.code === 'string') return reject(new Error(`${this.command} could not be run (${error.code})`));
        if (error?.killed) return reject(new Error(`${this.command} was ended before it answered`));
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
      this.running.add(child);
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(input);
    });
  }

  /** Ends every call still running; each fails with "was ended before it answered". */
  endAll(): void {
    for (const child of this.running) child.kill('SIGKILL');
  }
}

/**
 * `<what> failed (exit N: <the first line the tool wrote to stderr>)`. Only where that line cannot hold the value:
 * the caller says why.
 */
export const toolFailure = (what: string, answer: ToolAnswer): Error =>
  new Error(`${what} failed (exit ${answer.code}${answer.stderr.trim() ? `: ${answer.stderr.trim().split('\n')[0]!.slice(0, 200)}` : ''})`);
